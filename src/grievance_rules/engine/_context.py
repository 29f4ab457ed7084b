"""The state of one evaluation: the order, its facts, what each pattern matched."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from grievance_rules.calendar import Deadline, WorkingCalendar
from grievance_rules.engine.assessment import (
    ClockFinding,
    DataWarning,
    EscalationFinding,
    WindowFinding,
)
from grievance_rules.engine.clock_time import ClockPeriod
from grievance_rules.engine.matching import OrderView
from grievance_rules.engine.plan import PackPlan
from grievance_rules.engine.repeats import RepeatIndex
from grievance_rules.model import WorkOrder
from grievance_rules.model.assignments import Assignment, assignments
from grievance_rules.packs import Pack
from grievance_rules.packs.schema import EventRef, ParamIs, ParamRef, Selector, Trigger

__all__ = ["Evaluation", "param_ref"]

_SHARED_WARNINGS = 4096
"""At most this many entries are kept in a plan's memo before warnings stop being shared."""


@cache
def param_ref(name: str) -> ParamRef:
    """The reference to a parameter by its name (one object per name: a model is built once)."""
    return ParamRef(param=name)


@dataclass
class Evaluation:
    """Everything the rule evaluators share while assessing one order."""

    order: WorkOrder
    plan: PackPlan
    pack: Pack
    calendar: WorkingCalendar
    facts: OrderView
    """The order as known at ``as_of``: its kept events and who held it after each."""
    as_of: dt.datetime
    judged_on: dt.date
    matched: Mapping[str, list[int]]
    """Pattern name → positions (into ``facts.kept``) of the events it matched."""
    selectors: frozenset[str]
    """Pattern names of the selectors the order matched."""
    repeats: RepeatIndex | None = None
    clocks: dict[str, list[ClockFinding]] = field(default_factory=dict)
    clock_totals: dict[tuple[str, int], ClockPeriod] = field(default_factory=dict)
    """(rule id, occurrence) → the clock's period as its share divides by it (running
    time, and its pauses): the instant it reached a warning level is found from it."""
    windows: dict[str, list[WindowFinding]] = field(default_factory=dict)
    escalations: dict[str, list[EscalationFinding]] = field(default_factory=dict)
    warnings: list[DataWarning] = field(default_factory=list)
    deadlines: dict[tuple[Any, ...], Deadline] = field(default_factory=dict)
    """Deadlines computed for this order, by start and period (``clocks._deadline``)."""
    shared: dict[Any, Any] = field(default_factory=dict)
    """Immutable findings reused across the orders of one pack (the plan's ``memo``)."""
    _assignments: tuple[Assignment, ...] | None = field(default=None, repr=False)
    _warned: set[tuple[str, str, str, str | None, str | None]] = field(
        default_factory=set, repr=False
    )
    """The fields of each warning recorded (equal warnings: equal fields)."""
    _pattern_names: Mapping[int, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._pattern_names = self.plan.patterns.by_object

    def assignments(self) -> tuple[Assignment, ...]:
        """The order's assignments among the kept events (computed once per evaluation)."""
        if self._assignments is None:
            self._assignments = assignments(self.facts.kept, self.order.units)
        return self._assignments

    def positions(self, ref: EventRef | Trigger) -> list[int]:
        """Positions of the kept events an event reference matched, in history order."""
        name = self._pattern_names.get(id(ref))
        if name is None:
            name = self.plan.pattern_of(ref)
        return self.matched.get(name, [])

    def applies(self, selector: Selector) -> bool:
        """Whether the order matched a rule's ``applies_to``."""
        return self.plan.selector_of(selector) in self.selectors

    def event_index(self, position: int) -> int:
        """The index in ``order.events`` of a kept event."""
        return self.facts.indices[position]

    @cached_property
    def segment(self) -> int:
        """The parameters' date segment in force on the judged date."""
        return self.plan.parameters.segment_of(self.judged_on)

    def value(self, ref: Any) -> Any:
        """A literal or a parameter's value on the judged date."""
        return self.plan.value(ref, self.judged_on)

    def switched_on(self, runs_if: ParamIs | None) -> bool:
        """Whether a rule's ``runs_if`` lets it run: none, or its parameter at the value."""
        if runs_if is None:
            return True
        ((name, wanted),) = runs_if.param_is.items()
        return bool(self.value(param_ref(name)) == wanted)

    def warn(
        self,
        code: str,
        message: str,
        rule_id: str | None = None,
        *,
        event_type: str | None = None,
    ) -> None:
        """Record a data warning once (equal warnings are one object per plan)."""
        key = ("warning", code, message, rule_id, event_type)
        if key in self._warned:  # an equal warning is recorded already
            return
        warning: DataWarning | None = self.shared.get(key)
        if warning is None:
            warning = DataWarning(
                code=code, message=message, rule_id=rule_id, event_type=event_type
            )
            if len(self.shared) < _SHARED_WARNINGS:
                self.shared[key] = warning
        self._warned.add(key)
        self.warnings.append(warning)

    def first_handling_unit(self) -> str | None:
        """The first unit the order was sent to, if any."""
        return next((unit for unit in self.facts.handling if unit is not None), None)

    def handling_at(self, instant: dt.datetime) -> str | None:
        """The handling unit at an instant (after the events up to it)."""
        current = None
        for event, unit in zip(self.facts.kept, self.facts.handling, strict=True):
            if event.at > instant:
                break
            current = unit
        return current if current is not None else self.first_handling_unit()
