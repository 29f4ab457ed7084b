"""The semantic checks of a pack: what the schema alone cannot say.

Rule references resolve, enumerated values are known, events and their ``where``
fields exist (engine-internal fields refused, only numbers ordered), thresholds and
durations parse on every dated value, the calendar and the scoring section hold.
A failure is a :class:`~grievance_rules.errors.PackError` naming the file, line,
rule id and field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, get_args

from pydantic import BaseModel

from grievance_rules.calendar import (
    CountingConvention,
    Duration,
    HalfDayRule,
    LocalOverlay,
    OfficeHours,
)
from grievance_rules.errors import DurationError, GrievanceRulesError, PackError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list
from grievance_rules.model import enums
from grievance_rules.model.events import EVENT_CLASSES
from grievance_rules.model.terms import TermEnum
from grievance_rules.packs.schema import (
    RATE_NAMES,
    UPSTREAM_TESTS,
    AllOf,
    AnyOf,
    ClockRule,
    Condition,
    CountOf,
    DeductionRule,
    EscalationRule,
    EventRef,
    Manifest,
    NotOf,
    Parameter,
    ParamIs,
    ParamRef,
    PeriodRule,
    RankingRule,
    RecordRule,
    RepeatOf,
    Rule,
    Selector,
    Target,
    Trigger,
    WarningLevel,
    WindowRule,
    iter_triggers,
)
from grievance_rules.packs.yaml_lines import MANIFEST, YamlRef, line_of

__all__ = [
    "Checker",
    "LateParameter",
    "applies_from",
    "check_calendar",
    "check_parameter_citations",
    "late_parameter_flags",
    "late_parameter_notes",
    "late_parameters",
    "overlapping_deductions",
    "overlapping_pairs",
    "pack_flags",
    "parameter_uses",
    "parameters_read",
    "uncited_parameters",
    "uncited_values",
]

_DERIVED_FIELDS = {"handling_unit", *UPSTREAM_TESTS}
_INTERNAL_FIELDS = {"id", "index", "ts", "fact", "event_id"}
"""What the engine numbers or stamps events with: not for ``where`` to test."""
_WHERE_OPERATORS = ("exists", "ne", "gte", "lte", "gt", "lt")
_ORDERING = ("gte", "lte", "gt", "lt")


_SELECTOR_ENUMS: dict[str, type[TermEnum]] = {
    "channel": enums.Channel,
    "category": enums.Category,
    "urgency": enums.Urgency,
    "special_kind": enums.SpecialKind,
    "not_special_kind": enums.SpecialKind,
    "unit_kind": enums.UnitKind,
    "flag": enums.OrderFlag,
}


class Checker:
    """Cross-reference checks; every problem names file, line, rule and field."""

    def __init__(
        self,
        manifest: Manifest,
        rules: Sequence[Rule],
        parameters: Mapping[str, Parameter],
        where: Mapping[str, tuple[str, YamlRef | None, int]],
        given: Mapping[str, str] | None = None,
    ) -> None:
        self.manifest = manifest
        self.rules = rules
        self.parameters = parameters
        self.where = where
        self.given = given or {}
        """Parameters whose value was given other than in parameters.yaml (an override):
        how it was given, as an error says it (``the option --set points_overdue=two``)."""
        self.kinds = {rule.id: rule for rule in rules}

    def fail(self, rule: Rule, field_path: str, message: str) -> PackError:
        """The error for a rule's field, with its file and line."""
        name, node, index = self.where[rule.id]
        steps = [int(step) if step.isdigit() else step for step in field_path.split(".")]
        path: list[Any] = ["rules", index, *steps]
        return PackError(
            _("{file}: rule {id}: {field}: {message}").format(
                file=name, id=rule.id, field=field_path, message=message
            ),
            file=name,
            line=line_of(node, path),
            rule_id=rule.id,
            field=field_path,
        )

    def run(self) -> None:
        """Check every parameter and every rule; raise the first problem found."""
        self.parameter_values()
        sources = {source.file for source in self.manifest.sources}
        for rule in self.rules:
            if rule.citation.source not in sources:
                raise self.fail(
                    rule,
                    "citation.source",
                    _("{source} is not one of the pack's sources {sources}").format(
                        source=repr(rule.citation.source), sources=sorted(sources)
                    ),
                )
            self.selector(rule, rule.applies_to, "applies_to")
            if isinstance(rule, ClockRule):
                self.clock(rule)
            elif isinstance(rule, WindowRule):
                self.event_ref(rule, rule.action, "action")
                if isinstance(rule.opens, EventRef):
                    self.event_ref(rule, rule.opens, "opens")
                self.duration(rule, rule.duration, "duration", rule.convention, rule.half_day)
            elif isinstance(rule, DeductionRule):
                self.points(rule)
                if rule.cap is not None:
                    self.number(rule, rule.cap, "cap")
                self.condition(rule, rule.when, "when")
                if isinstance(rule.when, AnyOf):
                    for i, inner in enumerate(rule.when.any):
                        if not isinstance(inner, Trigger):
                            raise self.fail(
                                rule,
                                f"when.any.{i}",
                                _(
                                    "a deduction counts occurrences: each alternative is one "
                                    "trigger"
                                ),
                            )
            elif isinstance(rule, EscalationRule):
                self.condition(rule, rule.when, "when")
                self.target(rule, rule.actor, "actor")
                self.target(rule, rule.target, "target")
                if rule.target.unit == "about_unit":
                    self.about_unit(rule)
                if rule.once_per is not None:
                    self.once_per_unit(rule)
                if rule.for_unit_kind:
                    self.unit_kinds(rule, rule.for_unit_kind, "for_unit_kind")
                    if rule.target.unit == "none":
                        raise self.fail(
                            rule,
                            "for_unit_kind",
                            _("is tested on the target unit: give the target a unit"),
                        )
            elif isinstance(rule, RecordRule):
                if rule.when is not None:
                    self.condition(rule, rule.when, "when")
                elif rule.excludes:
                    raise self.fail(
                        rule, "excludes", _("a record that excludes an order needs a 'when'")
                    )
                if rule.runs_if is not None:
                    self.param_is(rule, rule.runs_if.param_is, "runs_if.param_is")
            elif isinstance(rule, PeriodRule):
                for i, tier in enumerate(rule.tiers):
                    self.condition(rule, tier.when, f"tiers.{i}.when", in_period=True)
                    self.target(rule, tier.actor, f"tiers.{i}.actor")
                    self.target(rule, tier.target, f"tiers.{i}.target")
            elif isinstance(rule, RankingRule):
                self.whole(rule, rule.bottom, "bottom", least=1)
                self.either(rule, rule.ties, "ties", ("all", "none"))
                for kind in rule.among:
                    self.enum_value(rule, "among", enums.UnitKind, kind)
                self.target(rule, rule.actor, "actor")
        self.scoring()

    def enum_value(self, rule: Rule, path: str, enum: type[TermEnum], value: str) -> None:
        """A value of an enumeration (a channel, a unit kind ...) is known."""
        if value not in {member.value for member in enum}:
            allowed = join_list(member.value for member in enum)
            raise self.fail(
                rule,
                path,
                _("unknown value {value}; one of: {allowed}").format(
                    value=repr(value), allowed=allowed
                ),
            )

    def unit_kinds(
        self, rule: Rule, kinds: Sequence[str], path: str, *, handling: bool = False
    ) -> None:
        """Known unit kinds (``handling``: kinds of handling unit, not centres)."""
        for i, kind in enumerate(kinds):
            self.enum_value(rule, f"{path}.{i}", enums.UnitKind, kind)
            if handling and enums.UnitKind(kind).is_upstream:
                raise self.fail(
                    rule,
                    f"{path}.{i}",
                    _("{kind} dispatches or oversees: no order is assigned to it").format(
                        kind=repr(kind)
                    ),
                )

    def selector(self, rule: Rule, selector: Selector, path: str) -> None:
        """An ``applies_to`` selector names known values and order fields."""
        for name, enum in _SELECTOR_ENUMS.items():
            for value in getattr(selector, name):
                self.enum_value(rule, f"{path}.{name}", enum, value)
        for name in selector.has:
            if name not in ("reply_deadline", "dispatched_at", "complainant", "issue", "location"):
                raise self.fail(
                    rule,
                    f"{path}.has",
                    _("{name} is not an optional order field").format(name=repr(name)),
                )
        for i, inner in enumerate(selector.any_of):
            self.selector(rule, inner, f"{path}.any_of.{i}")

    def event_ref(self, rule: Rule, ref: EventRef | Trigger, path: str) -> None:
        """An event reference names a known event and fields its ``where`` may test."""
        event = ref.event
        if event is None:
            return
        cls = EVENT_CLASSES.get(event)
        if cls is None:
            raise self.fail(
                rule,
                f"{path}.event",
                _("unknown event {event}; one of: {events}").format(
                    event=repr(event), events=join_list(EVENT_CLASSES)
                ),
            )
        fields = set(cls.model_fields) | _DERIVED_FIELDS
        fields |= {
            f"{name}_count"
            for name, info in cls.model_fields.items()
            if "tuple" in str(info.annotation)
        }
        fields -= _INTERNAL_FIELDS
        for name, value in ref.where.items():
            if name not in fields:
                why = _(" (engine-internal)") if name in _INTERNAL_FIELDS else ""
                raise self.fail(
                    rule,
                    f"{path}.where.{name}",
                    _("event {event} has no field {name}{why}; fields: {fields}").format(
                        event=repr(event),
                        name=repr(name),
                        why=why,
                        fields=join_list(sorted(fields)),
                    ),
                )
            if isinstance(value, dict):
                self.where_operator(rule, f"{path}.where.{name}", cls, name, value)

    def where_operator(
        self, rule: Rule, path: str, cls: type[Any], name: str, value: dict[str, Any]
    ) -> None:
        """An operator table of ``where``: one known operator; order only numbers."""
        if len(value) != 1 or next(iter(value)) not in _WHERE_OPERATORS:
            raise self.fail(
                rule,
                path,
                _("an operator table has exactly one of {operators}; got {got}").format(
                    operators=join_list(_WHERE_OPERATORS),
                    got=join_list(value) or _("none"),
                ),
            )
        ((op, operand),) = value.items()
        if op == "exists" and not isinstance(operand, bool):
            raise self.fail(
                rule,
                path,
                _("exists takes true or false, got {value}").format(value=repr(operand)),
            )
        if op in _ORDERING:
            info = cls.model_fields.get(name)
            numeric = name.endswith("_count") or (
                info is not None
                and (
                    info.annotation in (int, float)
                    or bool({int, float} & set(get_args(info.annotation)))
                )
            )
            if not numeric or isinstance(operand, bool) or not isinstance(operand, int | float):
                raise self.fail(
                    rule,
                    path,
                    _(
                        "{op} compares numbers: {name} must be a number field and "
                        "{operand} a number (strings and instants are not ordered here)"
                    ).format(op=op, name=repr(name), operand=repr(operand)),
                )

    def reference(self, rule: Rule, ids: Iterable[str], kind: type[Any], path: str) -> None:
        """Rule ids referred to exist and are of the kind expected."""
        for rule_id in ids:
            other = self.kinds.get(rule_id)
            if other is None:
                raise self.fail(
                    rule, path, _("refers to unknown rule {id}").format(id=repr(rule_id))
                )
            if not isinstance(other, kind):
                raise self.fail(
                    rule,
                    path,
                    _("{id} is a {kind}, not a {expected}").format(
                        id=repr(rule_id),
                        kind=other.kind,
                        expected=kind.__name__.removesuffix("Rule").lower(),
                    ),
                )

    def condition(self, rule: Rule, cond: Condition, path: str, in_period: bool = False) -> None:
        """A condition's triggers, thresholds and references, recursively."""
        if isinstance(cond, Trigger):
            self.event_ref(rule, cond, path)
            if cond.after is not None:
                self.event_ref(rule, cond.after, f"{path}.after")
            if cond.unless_after is not None:
                self.event_ref(rule, cond.unless_after, f"{path}.unless_after")
            self.reference(rule, cond.clock, ClockRule, f"{path}.clock")
            self.clock_level(rule, cond, path, in_period)
            self.reference(rule, cond.window, WindowRule, f"{path}.window")
            self.reference(rule, cond.escalation, EscalationRule, f"{path}.escalation")
            self.reference(rule, cond.deduction, DeductionRule, f"{path}.deduction")
            if cond.escalation and rule.id in cond.escalation:
                raise self.fail(rule, f"{path}.escalation", _("a rule cannot refer to itself"))
            if cond.deduction and not in_period:
                raise self.fail(
                    rule,
                    f"{path}.deduction",
                    _("deduction findings are counted in period rules only"),
                )
        elif isinstance(cond, AllOf):
            for i, inner in enumerate(cond.all):
                self.condition(rule, inner, f"{path}.all.{i}", in_period)
        elif isinstance(cond, AnyOf):
            for i, inner in enumerate(cond.any):
                self.condition(rule, inner, f"{path}.any.{i}", in_period)
        elif isinstance(cond, NotOf):
            self.condition(rule, cond.not_, f"{path}.not", in_period)
        elif isinstance(cond, CountOf):
            self.condition(rule, cond.count, f"{path}.count", in_period)
            if cond.at_least is not None:
                self.whole(rule, cond.at_least, f"{path}.at_least", least=1)
            if cond.equals is not None:
                self.whole(rule, cond.equals, f"{path}.equals", least=0)
        elif isinstance(cond, ParamIs):
            self.param_is(rule, cond.param_is, f"{path}.param_is")
        elif isinstance(cond, RepeatOf):
            if in_period:
                raise self.fail(
                    rule, path, _("a repeat condition is about one order, not a period")
                )
            self.whole(rule, cond.at_least, f"{path}.at_least", least=1)
            for value in self.param(rule, cond.within, f"{path}.within"):
                days = isinstance(value, int) and not isinstance(value, bool) and value >= 1
                if value != "calendar_month" and not days:
                    raise self.fail(
                        rule,
                        f"{path}.within",
                        self.of_value(
                            cond.within,
                            _(
                                "must be calendar_month or a number of days of at least 1, "
                                "got {value}"
                            ).format(value=repr(value)),
                        ),
                    )

    def clock_level(self, rule: Rule, cond: Trigger, path: str, in_period: bool) -> None:
        """A clock trigger's ``level`` or ``reached``: a warning level of each clock named."""
        for name in ("level", "reached"):
            level = getattr(cond, name)
            if level is None:
                continue
            if in_period:
                raise self.fail(
                    rule,
                    f"{path}.{name}",
                    _("a clock's warning level is judged on one order, not counted in a period"),
                )
            for rule_id in cond.clock:
                clock = self.kinds[rule_id]
                assert isinstance(clock, ClockRule)
                levels = [warning.level for warning in clock.warnings]
                if level not in levels:
                    raise self.fail(
                        rule,
                        f"{path}.{name}",
                        _("{id} has no warning level {level} (its levels: {levels})").format(
                            id=repr(rule_id),
                            level=repr(level),
                            levels=join_list(levels) or "—",
                        ),
                    )

    def target(self, rule: Rule, target: Target, path: str) -> None:
        """Who an escalation acts on: a known role or body."""
        if target.role is not None:
            self.enum_value(rule, f"{path}.role", enums.LeaderRole, target.role)

    def param(self, rule: Rule, ref: Any, path: str) -> list[Any]:
        """Every dated value a literal or ``{param: name}`` may take."""
        if not isinstance(ref, ParamRef):
            return [ref]
        if ref.param not in self.parameters:
            raise self.fail(
                rule,
                f"{path}.param",
                _("unknown parameter {name}; parameters: {parameters}").format(
                    name=repr(ref.param),
                    parameters=join_list(sorted(self.parameters)) or _("none"),
                ),
            )
        return [dated.value for dated in self.parameters[ref.param].values]

    def param_is(self, rule: Rule, compared: Mapping[str, Any], path: str) -> None:
        """A reading's switch names a known parameter and one of its values (its labels')."""
        for name, value in compared.items():
            self.param(rule, ParamRef(param=name), path)
            parameter = self.parameters[name]
            if not parameter.accepts(value):
                raise self.fail(
                    rule,
                    f"{path}.{name}",
                    _("{value} is not a value of parameter {name}; its values: {values}").format(
                        value=repr(value), name=repr(name), values=parameter.values_text()
                    ),
                )

    def parameter_values(self) -> None:
        """A parameter that names its values (``labels``) takes only those."""
        for name, parameter in self.parameters.items():
            for dated in parameter.values:
                if not parameter.accepts(dated.value):
                    raise PackError(
                        _(
                            "parameters.yaml: parameter {name}: {value} is not one of its "
                            "values: {values}"
                        ).format(
                            name=name, value=repr(dated.value), values=parameter.values_text()
                        ),
                        file="parameters.yaml",
                        field=name,
                    )

    def either(self, rule: Rule, ref: Any, path: str, choices: tuple[str, str]) -> list[Any]:
        """Every dated value a literal or ``{param: name}`` may take, each one of two words."""
        values = self.param(rule, ref, path)
        for value in values:
            if value not in choices:
                first, second = choices
                raise self.fail(
                    rule,
                    path,
                    self.of_value(
                        ref,
                        _("must be {first} or {second}, got {value}").format(
                            first=first, second=second, value=repr(value)
                        ),
                    ),
                )
        return values

    def of_value(self, ref: Any, message: str) -> str:
        """``message``, saying where the value is when a parameter gives it.

        In parameters.yaml, or, for a parameter set over it (:attr:`given`), where it was set.
        """
        if not isinstance(ref, ParamRef):
            return message
        if ref.param in self.given:
            return _("{message} (the value of parameter {name} given by {given})").format(
                message=message, name=repr(ref.param), given=self.given[ref.param]
            )
        return _("{message} (the value of parameter {name} in parameters.yaml)").format(
            message=message, name=repr(ref.param)
        )

    def scoring(self) -> None:
        """The composite of ``scoring`` weighs known rates by numbers of at least 0.

        A weight is a literal or a parameter; every dated value of the parameter (or the
        value set over it, :attr:`given`) is checked, as a rule's parameters are. So is
        ``basically_satisfied_weight``, a number from 0 to 1.
        """
        scoring = self.manifest.scoring
        self.weight(scoring.basically_satisfied_weight, "scoring.basically_satisfied_weight", 1)
        self.returned_orders(scoring.returned_orders)
        names = set(RATE_NAMES)
        for rate, weight in scoring.composite.items():
            field_path = f"scoring.composite.{rate}"

            if rate not in names:
                raise PackError(
                    _("{file}: {field}: unknown rate {rate}; one of {rates}").format(
                        file=MANIFEST,
                        field=field_path,
                        rate=repr(rate),
                        rates=join_list(sorted(names)),
                    ),
                    file=MANIFEST,
                    field=field_path,
                )
            self.weight(weight, field_path)

    def returned_orders(self, setting: str | ParamRef) -> None:
        """``scoring.returned_orders``: ``last_unit`` or ``none``, or a parameter of those.

        Every dated value of a parameter is checked (a literal is checked by the schema).
        """
        field_path = "scoring.returned_orders"
        if not isinstance(setting, ParamRef):
            return
        for value in self.scoring_values(setting, field_path):
            if value not in ("last_unit", "none"):
                problem = _("{value} is not one of {choices}").format(
                    value=repr(value), choices=join_list(["last_unit", "none"])
                )
                raise PackError(
                    _("{file}: {field}: {message}").format(
                        file=MANIFEST, field=field_path, message=self.of_value(setting, problem)
                    ),
                    file=MANIFEST,
                    field=field_path,
                )

    def scoring_values(self, ref: ParamRef, field_path: str) -> list[Any]:
        """Every dated value of the parameter a ``scoring`` setting names (refused: none)."""
        if ref.param not in self.parameters:
            raise PackError(
                _("{file}: {field}: unknown parameter {name}").format(
                    file=MANIFEST, field=field_path, name=repr(ref.param)
                ),
                file=MANIFEST,
                field=field_path,
            )
        return [dated.value for dated in self.parameters[ref.param].values]

    def weight(self, weight: float | ParamRef, field_path: str, most: float | None = None) -> None:
        """A weight of ``scoring``: a number of at least 0 (at most ``most``), or a parameter.

        Every dated value of a parameter is checked.
        """
        values = (
            self.scoring_values(weight, field_path) if isinstance(weight, ParamRef) else [weight]
        )
        for value in values:
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                problem = _("a weight must be a number of at least 0, got {value}").format(
                    value=repr(value)
                )
            elif most is not None and value > most:
                problem = _("a weight must be a number from 0 to {most}, got {value}").format(
                    most=most, value=repr(value)
                )
            else:
                continue
            raise PackError(
                _("{file}: {field}: {message}").format(
                    file=MANIFEST, field=field_path, message=self.of_value(weight, problem)
                ),
                file=MANIFEST,
                field=field_path,
            )

    def whole(self, rule: Rule, ref: Any, path: str, *, least: int) -> None:
        """A count (a number or a dated parameter): every value a whole number >= least."""
        for value in self.param(rule, ref, path):
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise self.fail(
                    rule,
                    path,
                    self.of_value(
                        ref,
                        _("must be a whole number of at least {least}, got {value}").format(
                            least=least, value=repr(value)
                        ),
                    ),
                )

    def number(self, rule: Rule, ref: Any, path: str) -> None:
        """A positive amount (a number or a dated parameter) in every value."""
        for value in self.param(rule, ref, path):
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise self.fail(
                    rule,
                    path,
                    self.of_value(
                        ref, _("must be a number above 0, got {value}").format(value=repr(value))
                    ),
                )

    def duration(self, rule: Rule, spec: Any, path: str, convention: Any, half_day: Any) -> None:
        """A duration, its counting convention and half-day rule parse on every dated value."""
        for text in self.param(rule, spec, path):
            try:
                Duration.parse(str(text))
            except DurationError as exc:
                raise self.fail(rule, path, self.of_value(spec, str(exc))) from None
        for value in self.param(rule, convention, "convention"):
            if value not in {c.value for c in CountingConvention}:
                raise self.fail(
                    rule,
                    "convention",
                    self.of_value(
                        convention,
                        _("unknown counting convention {value}; use one of {choices}").format(
                            value=repr(value),
                            choices=join_list(c.value for c in CountingConvention),
                        ),
                    ),
                )
        if half_day is not None:
            for value in self.param(rule, half_day, "half_day"):
                if value not in {r.value for r in HalfDayRule}:
                    raise self.fail(
                        rule,
                        "half_day",
                        self.of_value(
                            half_day,
                            _("unknown half-day rule {value}; use one of {choices}").format(
                                value=repr(value), choices=join_list(r.value for r in HalfDayRule)
                            ),
                        ),
                    )

    def clock(self, rule: ClockRule) -> None:
        """A clock rule's events, duration, warnings and cap."""
        if isinstance(rule.start, EventRef):
            self.event_ref(rule, rule.start, "start")
        self.event_ref(rule, rule.stop, "stop")
        if rule.start_else_due_of is not None:
            self.reference(rule, [rule.start_else_due_of], ClockRule, "start_else_due_of")
            if rule.start_else_due_of == rule.id or not isinstance(rule.start, EventRef):
                raise self.fail(
                    rule, "start_else_due_of", _("needs a start event and another clock's id")
                )
        self.reference(rule, rule.no_later_than, ClockRule, "no_later_than")
        if rule.id in rule.no_later_than:
            raise self.fail(rule, "no_later_than", _("a clock cannot bound itself"))
        for i, ref in enumerate(rule.also_started_by):
            self.event_ref(rule, ref, f"also_started_by.{i}")
            for name in sorted(set(ref.where) & _DERIVED_FIELDS):
                raise self.fail(
                    rule,
                    f"also_started_by.{i}.where.{name}",
                    _("reads the event's own fields only"),
                )
        for i, ref in enumerate(rule.start_else):
            self.event_ref(rule, ref, f"start_else.{i}")
            for name in sorted(set(ref.where) & _DERIVED_FIELDS):
                raise self.fail(
                    rule, f"start_else.{i}.where.{name}", _("reads the event's own fields only")
                )
        if rule.for_unit_kind:
            self.unit_kinds(rule, rule.for_unit_kind, "for_unit_kind", handling=True)
            if not rule.per_assignment:
                raise self.fail(
                    rule,
                    "for_unit_kind",
                    _("is tested on each assignment's unit: goes with per_assignment: true"),
                )
        if rule.start_else and (rule.per_assignment or not isinstance(rule.start, EventRef)):
            raise self.fail(
                rule,
                "start_else",
                _("goes with a start event, on a clock that is not per assignment"),
            )
        if rule.runs_if is not None:
            self.param_is(rule, rule.runs_if.param_is, "runs_if.param_is")
        if rule.also_stopped_by is not None:
            self.event_ref(rule, rule.also_stopped_by, "also_stopped_by")
            for name in sorted(set(rule.also_stopped_by.where) & _DERIVED_FIELDS):
                raise self.fail(
                    rule, f"also_stopped_by.where.{name}", _("reads the event's own fields only")
                )
        if rule.not_stopped_by is not None:
            exception = rule.not_stopped_by
            own = EventRef(event=rule.stop.event, where=exception.where)
            self.event_ref(rule, own, "not_stopped_by")
            for name in sorted(set(exception.where) & _DERIVED_FIELDS):
                raise self.fail(
                    rule, f"not_stopped_by.where.{name}", _("reads the event's own fields only")
                )
            for value in self.param(rule, exception.unless, "not_stopped_by.unless"):
                if not isinstance(value, bool):
                    raise self.fail(
                        rule,
                        "not_stopped_by.unless",
                        self.of_value(
                            exception.unless,
                            _("must be true or false, got {value}").format(value=repr(value)),
                        ),
                    )
        for i, (begin, end) in enumerate(rule.pause):
            self.event_ref(rule, begin, f"pause.{i}.0")
            self.event_ref(rule, end, f"pause.{i}.1")
        if rule.extend is not None:
            self.event_ref(rule, rule.extend, "extend")
            if "new_deadline" not in EVENT_CLASSES[rule.extend.event].model_fields:
                raise self.fail(rule, "extend.event", _("the event carries no new_deadline"))
        if rule.duration is not None:
            self.duration(rule, rule.duration, "duration", rule.convention, rule.half_day)
        if rule.cap is not None:
            self.duration(rule, rule.cap, "cap", rule.convention, rule.half_day)
        if rule.due_field is not None:
            order_fields = {"reply_deadline"}
            start_fields = (
                set(EVENT_CLASSES[rule.start.event].model_fields)
                if isinstance(rule.start, EventRef)
                else set()
            )
            if rule.due_field not in order_fields | start_fields:
                raise self.fail(
                    rule,
                    "due_field",
                    _(
                        "{field} is neither an order deadline (reply_deadline) nor a field of "
                        "the start event"
                    ).format(field=repr(rule.due_field)),
                )
        shares: list[list[Any]] = []  # each level's share of the period (a parameter's values)
        for i, warning in enumerate(rule.warnings):
            if warning.param is None:
                shares.append([warning.at])
                continue
            level = ParamRef(param=warning.param)
            shares.append(list(self.param(rule, level, f"warnings.{i}")))
            for value in shares[-1]:
                number = isinstance(value, int | float) and not isinstance(value, bool)
                if not number or not 0 < value < 1:
                    raise self.fail(
                        rule,
                        f"warnings.{i}.param",
                        self.of_value(
                            level,
                            _("must be a fraction of 0 to 1, got {value}").format(
                                value=repr(value)
                            ),
                        ),
                    )
        levels = [w.at for w in rule.warnings]
        if levels != sorted(levels):
            raise self.fail(rule, "warnings", _("warning levels must be in increasing order"))
        # levels given by parameters (warning_yellow 0.8 over warning_red 0.75, a user's
        # override): checked as the literal ones are, each level's value against the next
        single = all(len(values) == 1 for values in shares)
        numbers = single and all(
            isinstance(v[0], int | float) and not isinstance(v[0], bool) for v in shares
        )
        if numbers and any(a[0] >= b[0] for a, b in pairwise(shares)):
            said = ", ".join(
                f"{w.level} {v[0]:g}" for w, v in zip(rule.warnings, shares, strict=True)
            )
            raise self.fail(
                rule,
                "warnings",
                _("warning levels must be in increasing order (here: {levels})").format(
                    levels=said
                ),
            )

    def once_per_unit(self, rule: EscalationRule) -> None:
        """An escalation's ``once_per``: order or unit; unit only where it can apply.

        Once per unit needs the target ``trigger_unit`` or ``about_unit`` (the unit of
        each occurrence counted) and a condition that counts something (the units come
        from it).
        """
        for value in self.either(rule, rule.once_per, "once_per", ("order", "unit")):
            if value != "unit":
                continue
            if rule.target.unit not in ("trigger_unit", "about_unit"):
                raise self.fail(
                    rule,
                    "once_per",
                    self.of_value(
                        rule.once_per,
                        _(
                            "unit finds the escalation once for each unit its condition "
                            "counted: it needs the target unit trigger_unit or about_unit, "
                            "not {target}"
                        ).format(target=repr(rule.target.unit)),
                    ),
                )
            if next(iter_triggers(rule.when, counted_only=True), None) is None:
                raise self.fail(
                    rule,
                    "once_per",
                    self.of_value(
                        rule.once_per,
                        _(
                            "unit finds the escalation once for each unit its condition "
                            "counted, and the condition counts no event, clock, window or "
                            "escalation"
                        ),
                    ),
                )

    def about_unit(self, rule: EscalationRule) -> None:
        """The target ``about_unit`` is read from callbacks: every trigger counts a callback.

        The unit a callback rates (its 评价单位); any other occurrence rates no unit.
        """
        triggers = list(iter_triggers(rule.when, counted_only=True))
        if not triggers or any(t.event != "callback" for t in triggers):
            raise self.fail(
                rule,
                "target.unit",
                _(
                    "'about_unit' is the unit a callback rates: every trigger of the "
                    "condition must count callbacks ('event: callback')"
                ),
            )

    def points(self, rule: DeductionRule) -> None:
        """A deduction's points and cap are numbers on every dated value."""
        if rule.runs_if is not None:
            self.param_is(rule, rule.runs_if.param_is, "runs_if.param_is")
        if rule.points == "from_event":
            if rule.when.event != "external_deduction" if isinstance(rule.when, Trigger) else True:
                raise self.fail(
                    rule,
                    "points",
                    _("points: from_event needs an event that carries points (external_deduction)"),
                )
            return
        for value in self.param(rule, rule.points, "points"):
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise self.fail(
                    rule,
                    "points",
                    self.of_value(
                        rule.points,
                        _("points must be a number, got {value}").format(value=repr(value)),
                    ),
                )
        for other in rule.same_occurrence_as:
            self.reference(rule, [other], DeductionRule, "same_occurrence_as")
        if rule.once_per is not None:
            self.either(rule, rule.once_per, "once_per", ("order", "order_and_unit"))
        if rule.assesses is not None:
            kinds = {member.value for member in enums.UnitKind}
            for value in self.param(rule, rule.assesses, "assesses"):
                parts = str(value).split(",")
                if value != "all" and not set(parts) <= kinds:
                    raise self.fail(
                        rule,
                        "assesses",
                        self.of_value(
                            rule.assesses,
                            _("must be all or unit kinds, comma-separated: {value}").format(
                                value=repr(value)
                            ),
                        ),
                    )


def _may_overlap(a: Trigger, b: Trigger) -> bool:
    if a.event and a.event == b.event:
        return all(a.where[key] == b.where[key] for key in set(a.where) & set(b.where))
    if a.clock and set(a.clock) & set(b.clock):
        # (no state: a level the clock reached, whatever its state now)
        return a.state is None or b.state is None or a.state == b.state
    if a.window and set(a.window) & set(b.window):
        return a.state == b.state
    return bool(a.escalation and set(a.escalation) & set(b.escalation))


def overlapping_pairs(rules: Sequence[Rule]) -> list[tuple[str, str]]:
    """The ids of pairs of deductions that could count the same occurrence, undeclared."""
    deductions = [rule for rule in rules if isinstance(rule, DeductionRule)]
    flags: list[tuple[str, str]] = []
    for i, first in enumerate(deductions):
        for second in deductions[i + 1 :]:
            declared = (
                second.id in first.same_occurrence_as or first.id in second.same_occurrence_as
            )
            if declared:
                continue
            if any(
                _may_overlap(a, b)
                for a in iter_triggers(first.when)
                for b in iter_triggers(second.when)
            ):
                flags.append((first.id, second.id))
    return flags


def overlapping_deductions(rules: Sequence[Rule]) -> list[str]:
    """Pairs of deductions that could count the same occurrence, undeclared (flags)."""
    return [
        _(
            "deductions {first} and {second} may count the same occurrence; "
            "declare same_occurrence_as if intended, or narrow a 'where'"
        ).format(first=first, second=second)
        for first, second in overlapping_pairs(rules)
    ]


def check_calendar(manifest: Manifest, node: YamlRef) -> None:
    """What the pack's calendar is built from, checked at load rather than mid-run.

    Raises:
        PackError: office hours, the half-day rule or an overlay the calendar refuses.
    """
    if manifest.calendar.half_day not in {rule.value for rule in HalfDayRule}:
        allowed = join_list(rule.value for rule in HalfDayRule)
        raise PackError(
            _("{file}: {field}: unknown half-day rule {value}; one of: {allowed}").format(
                file=MANIFEST,
                field="calendar.half_day",
                value=repr(manifest.calendar.half_day),
                allowed=allowed,
            ),
            file=MANIFEST,
            line=line_of(node, ["calendar", "half_day"]),
            field="calendar.half_day",
        )
    cal = manifest.calendar
    field_path = "calendar.office_hours"
    try:
        if cal.office_hours is not None:
            OfficeHours.parse(cal.office_hours)
        field_path = "calendar"
        LocalOverlay(
            manifest.id, closures=cal.closures, holidays=cal.holidays, working_days=cal.working_days
        )
    except GrievanceRulesError as exc:
        raise PackError(
            _("{file}: {field}: {message}").format(file=MANIFEST, field=field_path, message=exc),
            file=MANIFEST,
            line=line_of(node, field_path.split(".")),
            field=field_path,
        ) from None


def check_parameter_citations(
    manifest: Manifest, name: str, parameter: Parameter, file: str, node: YamlRef
) -> None:
    """A parameter's citations quote the pack's sources, as a rule's must.

    (A ``cited`` parameter's value with no citation at all is flagged, not refused:
    :func:`uncited_values`.)

    Raises:
        PackError: a value cites a file the pack does not list among its sources;
            names the file, the parameter, the value and the line.
    """
    sources = {source.file for source in manifest.sources}
    for index, dated in enumerate(parameter.values):
        if dated.citation is None or dated.citation.source in sources:
            continue
        field_path = f"{name}.values.{index}.citation.source"
        raise PackError(
            _("{file}: {field}: {message}").format(
                file=file,
                field=field_path,
                message=_("{source} is not one of the pack's sources {sources}").format(
                    source=repr(dated.citation.source), sources=sorted(sources)
                ),
            ),
            file=file,
            line=line_of(node, ["values", index]),
            field=field_path,
        )


def uncited_values(parameters: Mapping[str, Parameter]) -> list[tuple[str, int]]:
    """The values (parameter, index) of ``cited`` parameters that quote no document."""
    return [
        (name, index)
        for name, parameter in parameters.items()
        if parameter.basis == "cited"
        for index, dated in enumerate(parameter.values)
        if dated.citation is None
    ]


def uncited_parameters(parameters: Mapping[str, Parameter]) -> list[str]:
    """:func:`uncited_values` said as flags: the README would call them 文件规定 with no 出处."""
    return [
        _(
            "parameter {name}: the value from {day} has no citation, yet the parameter's "
            "basis is 'cited'; quote the document, or write basis: assumption"
        ).format(name=name, day=parameters[name].values[index].from_.isoformat())
        for name, index in uncited_values(parameters)
    ]


def parameter_uses(model: BaseModel) -> Iterator[tuple[str, ParamRef | ParamIs | WarningLevel]]:
    """Every parameter reference in a rule (or any part of one), with the field holding it."""
    for name in type(model).model_fields:
        yield from _uses(getattr(model, name), name)


def _uses(value: Any, field: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, ParamRef | ParamIs | WarningLevel):
        yield field, value
    if isinstance(value, BaseModel):
        yield from parameter_uses(value)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _uses(item, field)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _uses(item, field)


def parameters_read(rule: Rule) -> list[str]:
    """The parameters a rule reads (its ``{param: ...}``, ``param_is`` and warning levels)."""
    names: dict[str, None] = {}
    for _field, ref in parameter_uses(rule):
        if isinstance(ref, ParamRef):
            names[ref.param] = None
        elif isinstance(ref, WarningLevel):
            if ref.param:
                names[ref.param] = None
        else:
            names.update(dict.fromkeys(ref.param_is))
    return list(names)


def _rules_referenced(value: Any) -> Iterator[str]:
    """The rule ids a rule's triggers name (the clocks, windows, ... whose findings it reads)."""
    if isinstance(value, Trigger):
        yield from (*value.clock, *value.window, *value.escalation, *value.deduction)
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _rules_referenced(getattr(value, name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _rules_referenced(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _rules_referenced(item)


@dataclass(frozen=True)
class LateParameter:
    """A parameter read by rules whose first value takes effect after the pack does.

    On an order received before ``first`` the rules reading it get no value
    (``deadline_not_computable``; a pack diff on the pack's date cannot read them).
    ``dated``: the rules among them whose cited source was issued on or after ``first``,
    so that the rule itself applies only from then; ``undated``: the others.
    """

    name: str
    first: dt.date
    effective_from: dt.date
    rules: tuple[str, ...]
    """Every rule reading it, in pack order."""
    dated: tuple[str, ...]

    @property
    def undated(self) -> tuple[str, ...]:
        """The rules reading it that nothing dates: they would apply before ``first``."""
        return tuple(rule for rule in self.rules if rule not in self.dated)


def late_parameters(
    rules: Sequence[Rule], parameters: Mapping[str, Parameter], manifest: Manifest
) -> list[LateParameter]:
    """The parameters rules read whose first value is later than the pack's ``effective_from``."""
    issued = {source.file: source.issued for source in manifest.sources}
    start = manifest.effective_from
    found = []
    readers: dict[str, list[Rule]] = {}
    for rule in rules:
        for name in parameters_read(rule):
            readers.setdefault(name, []).append(rule)
    for name, reading in readers.items():
        parameter = parameters.get(name)
        if parameter is None or parameter.values[0].from_ <= start:
            continue
        first = parameter.values[0].from_
        dated = tuple(
            rule.id
            for rule in reading
            if (day := issued.get(rule.citation.source)) is not None and day >= first
        )
        found.append(LateParameter(name, first, start, tuple(r.id for r in reading), dated))
    return found


def applies_from(
    rules: Sequence[Rule], parameters: Mapping[str, Parameter], manifest: Manifest
) -> dict[str, dt.date]:
    """The rules that apply only from a date after the pack's ``effective_from``: by rule id.

    A rule reading a parameter whose first value takes effect later applies from that
    date; so does a rule counting the findings of such a rule (a deduction for a late
    first contact counts only the clocks of orders the clock applies to).
    """
    start = manifest.effective_from
    own: dict[str, dt.date] = {}
    for rule in rules:
        days = [
            parameters[name].values[0].from_ for name in parameters_read(rule) if name in parameters
        ]
        own[rule.id] = max([start, *days])
    referenced = {rule.id: set(_rules_referenced(rule)) - {rule.id} for rule in rules}
    changed = True
    while changed:  # to a fixed point: references form chains, a few links long
        changed = False
        for rule_id, others in referenced.items():
            day = max([own[rule_id], *(own[other] for other in others if other in own)])
            if day > own[rule_id]:
                own[rule_id] = day
                changed = True
    return {rule_id: day for rule_id, day in own.items() if day > start}


def late_parameter_flags(late: Sequence[LateParameter], file: str) -> list[str]:
    """:func:`late_parameters` read by undated rules, said as flags (refused with ``strict``)."""
    return [
        _(
            "{file} (parameter {name}): its first value takes effect on {first}, after the "
            "pack's effective_from {start}, and rule(s) {rules} read it: on an order received "
            "before {first} they cannot be computed (the assessment warns instead). If the "
            "rule applies only from {first}, date it: cite the document that brought it in, "
            "listed in pack.yaml's sources with issued: {first}; otherwise give the parameter "
            "a value from {start}"
        ).format(
            file=file,
            name=item.name,
            first=item.first.isoformat(),
            start=item.effective_from.isoformat(),
            rules=join_list(item.undated),
        )
        for item in late
        if item.undated
    ]


def late_parameter_notes(late: Sequence[LateParameter], file: str) -> list[str]:
    """:func:`late_parameters` read by rules dated by their source: notes, not flags."""
    return [
        _(
            "{file} (parameter {name}): its first value takes effect on {first}, after the "
            "pack's effective_from {start}; rule(s) {rules} read it and apply only from "
            "{first} (their source was issued then): an order received before then is not "
            "assessed by them"
        ).format(
            file=file,
            name=item.name,
            first=item.first.isoformat(),
            start=item.effective_from.isoformat(),
            rules=join_list(item.dated),
        )
        for item in late
        if item.dated
    ]


def pack_flags(
    rules: Sequence[Rule],
    parameters: Mapping[str, Parameter],
    manifest: Manifest | None = None,
) -> list[str]:
    """What a pack is flagged for (loaded, and refused with ``strict``), in the language.

    With the ``manifest``, also the parameters read by undated rules before their first
    value (:func:`late_parameter_flags`).
    """
    late = (
        late_parameter_flags(late_parameters(rules, parameters, manifest), manifest.parameters_file)
        if manifest is not None
        else []
    )
    return [*overlapping_deductions(rules), *uncited_parameters(parameters), *late]
