"""Loading a policy pack from its directory: read, validate, cross-check.

Loading never executes code from the pack: YAML is read with a safe loader
(no tags, no objects), and the result is validated against
:mod:`grievance_rules.packs.schema`. A broken pack is refused with a
:class:`~grievance_rules.errors.PackError` naming the file, the line where it
can be found, the rule id and the field.

A pack reads only its own files, bounded in size and YAML expansion
(:mod:`grievance_rules.packs.files`): ``rule_files`` and ``parameters_file`` are
relative paths without ``..``, and a file that leads outside the pack directory
(through a symbolic link), is not a regular file, or is too large is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError

from grievance_rules.calendar import (
    CountingConvention,
    Duration,
    HalfDayRule,
    LocalOverlay,
    OfficeHours,
    WorkingCalendar,
    china,
)
from grievance_rules.errors import DurationError, GrievanceRulesError, PackError
from grievance_rules.model import enums
from grievance_rules.model.events import EVENT_CLASSES
from grievance_rules.model.terms import TermEnum
from grievance_rules.packs.files import (
    SAFE_LOADER,
    check_relative,
    load_yaml,
    read_pack_file,
)
from grievance_rules.packs.schema import (
    RATE_NAMES,
    AllOf,
    AnyOf,
    ClockRule,
    Condition,
    CountOf,
    DatedValue,
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
    RuleFile,
    Selector,
    Target,
    Trigger,
    WindowRule,
    iter_triggers,
)

__all__ = ["ORIGINS", "Pack", "load_pack"]

_MANIFEST = "pack.yaml"
_DERIVED_FIELDS = {"handling_unit", "to_unit_upstream"}
_INTERNAL_FIELDS = {"id", "index", "ts", "fact", "event_id"}
"""What the engine numbers or stamps events with: not for ``where`` to test."""
_WHERE_OPERATORS = ("exists", "ne", "gte", "lte", "gt", "lt")
_ORDERING = ("gte", "lte", "gt", "lt")

ORIGINS = ("builtin", "entry point (<distribution>)", "path")
"""The kinds of :attr:`Pack.origin`: a built-in pack, one installed by another
distribution (its name in the brackets), or a directory given by path."""


@dataclass(frozen=True)
class Pack:
    """A loaded, validated policy pack.

    Attributes:
        manifest: what the pack is (``pack.yaml``).
        rules: every rule, in file order.
        parameters: the dated parameters by name.
        directory: where it was loaded from.
        rule_files: the file each rule came from, by rule id.
        flags: things the loader noticed that do not refuse the pack (two
            deductions that could count the same occurrence, undeclared).
        overrides: parameter values set by :meth:`with_parameters`.
        content_hash: SHA-256 of the files the pack was loaded from (``pack.yaml``, the
            parameters file and the rule files, by relative path and bytes); the same
            text gives the same hash wherever the pack lies. Overrides are not in it
            (they are in :attr:`key`).
        origin: where the pack was found: ``builtin``, ``entry point (<distribution>)``
            (installed by another distribution) or ``path`` (a directory given by path;
            the default of :func:`load_pack`). See :data:`ORIGINS`.
    """

    manifest: Manifest
    rules: tuple[Rule, ...]
    parameters: Mapping[str, Parameter]
    directory: Path
    rule_files: Mapping[str, str]
    flags: tuple[str, ...] = ()
    overrides: Mapping[str, Any] = field(default_factory=dict)
    content_hash: str = ""
    origin: str = "path"

    @property
    def id(self) -> str:
        """The pack id."""
        return self.manifest.id

    @property
    def revision(self) -> str:
        """The pack revision."""
        return self.manifest.revision

    @property
    def key(self) -> str:
        """``id@revision``, plus a digest of any parameter overrides."""
        base = f"{self.id}@{self.revision}"
        if not self.overrides:
            return base
        text = ",".join(f"{k}={v}" for k, v in sorted(self.overrides.items()))
        return f"{base}+{text}"

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id.

        Raises:
            KeyError: no such rule.
        """
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def rules_of(self, kind: type[Any]) -> tuple[Any, ...]:
        """The rules of one class, in file order."""
        return tuple(rule for rule in self.rules if isinstance(rule, kind))

    def value(self, ref: Any, on: dt.date) -> Any:
        """Resolve a literal or a ``{param: name}`` reference on a date.

        Raises:
            PackError: the parameter has no value on that date.
        """
        if not isinstance(ref, ParamRef):
            return ref
        if ref.param in self.overrides:
            return self.overrides[ref.param]
        value = self.parameters[ref.param].value_on(on)
        if value is None:
            first = self.parameters[ref.param].values[0].from_
            raise PackError(
                f"pack {self.id}: parameter {ref.param!r} has no value on {on} "
                f"(its first value takes effect on {first})",
                file=self.manifest.parameters_file,
                field=ref.param,
            )
        return value

    def with_parameters(self, overrides: Mapping[str, Any]) -> Pack:
        """The same pack with some parameters set to fixed values.

        For a what-if, or to pick the other reading of an ambiguous clause.

        Raises:
            PackError: an unknown parameter.
        """
        for name in overrides:
            if name not in self.parameters:
                raise PackError(f"pack {self.id} has no parameter {name!r}", field=name)
        merged = {**self.overrides, **overrides}
        self._check_overrides(merged)
        return Pack(
            self.manifest,
            self.rules,
            self.parameters,
            self.directory,
            self.rule_files,
            self.flags,
            merged,
            self.content_hash,
            self.origin,
        )

    def _check_overrides(self, overrides: Mapping[str, Any]) -> None:
        """Each override is checked wherever its parameter is used, as a dated value is.

        Raises:
            PackError: an override the rules using it cannot take (a threshold of
                ``"two"``, a duration of ``"3 fortnights"``), naming the parameter.
        """
        fixed: dict[str, Parameter] = dict(self.parameters)
        for name, value in overrides.items():
            try:
                dated = DatedValue.model_validate({"from": dt.date.min, "value": value})
            except ValidationError:
                raise PackError(
                    f"pack {self.id}: override {name}={value!r}: a parameter's value is "
                    "a string, a number or a boolean (a finite number: not nan or inf)",
                    field=name,
                ) from None
            fixed[name] = self.parameters[name].model_copy(update={"values": (dated,)})
        where = {rule_id: (file, None, 0) for rule_id, file in self.rule_files.items()}
        try:
            _Checker(self.manifest, self.rules, fixed, where).run()
        except PackError as exc:
            names = ", ".join(f"{name}={value!r}" for name, value in overrides.items())
            raise exc.restated(f"pack {self.id}: with {names}: {exc}") from None

    def calendar(self) -> WorkingCalendar:
        """The pack's working calendar (national days, overlays, office hours).

        Built once per calendar section: packs (and their what-if copies) whose
        ``calendar`` is the same share one calendar and its memo of deadlines.
        """
        key = (self.manifest.id, self.manifest.calendar.model_dump_json())
        with _CALENDARS_LOCK:
            found = _CALENDARS.get(key)
        if found is None:
            found = _pack_calendar(self.manifest)
            with _CALENDARS_LOCK:
                found = _CALENDARS.setdefault(key, found)
                while len(_CALENDARS) > _CALENDARS_KEPT:
                    del _CALENDARS[next(iter(_CALENDARS))]
        return found


_CALENDARS: dict[tuple[str, str], WorkingCalendar] = {}
"""(pack id, calendar section as JSON) → the calendar built for it."""
_CALENDARS_KEPT = 64
_CALENDARS_LOCK = threading.Lock()


def _pack_calendar(manifest: Manifest) -> WorkingCalendar:
    cal = manifest.calendar
    overlays: list[LocalOverlay] = []
    if cal.closures or cal.holidays or cal.working_days:
        overlays.append(
            LocalOverlay(
                manifest.id,
                closures=cal.closures,
                holidays=cal.holidays,
                working_days=cal.working_days,
            )
        )
    return china(office_hours=cal.office_hours, overlays=overlays, on_provisional="allow")


# -- reading YAML with line numbers ------------------------------------------------------


_SAFE_LOADER: Any = SAFE_LOADER
"""libyaml's safe loader where PyYAML was built with it (about 10x faster), else PyYAML's."""


class _YamlRef:
    """A place in a YAML file, for the line numbers of errors.

    The file is composed into nodes only when an error needs a line, so that
    loading a good pack parses each file once.
    """

    def __init__(self, text: str, prefix: Sequence[Any] = (), holder: list[Any] | None = None):
        self.text = text
        self.prefix = tuple(prefix)
        self._holder = holder if holder is not None else []

    def child(self, *steps: Any) -> _YamlRef:
        return _YamlRef(self.text, (*self.prefix, *steps), self._holder)

    @property
    def root(self) -> yaml.Node | None:
        if not self._holder:
            self._holder.append(yaml.compose(self.text, Loader=_SAFE_LOADER))
        node: yaml.Node | None = self._holder[0]
        return node


def _read_yaml(
    path: Path, root: Path, read: dict[str, bytes], field: str | None = None
) -> tuple[Any, _YamlRef]:
    """Read a pack file (confined, bounded: :mod:`~grievance_rules.packs.files`) and parse it.

    The bytes are kept in ``read`` by relative path, for the pack's content hash.
    """
    name = path.relative_to(root).as_posix()
    raw = read_pack_file(root, path, field=field)
    read[name] = raw
    data, node = load_yaml(raw, name)  # a safe loader: plain data only
    return data, _YamlRef(raw.decode("utf-8"), holder=[node])


def _line_of(ref: _YamlRef | None, path: Sequence[Any]) -> int | None:
    """The line of the deepest node along ``path`` (keys and list indices)."""
    if ref is None:
        return None
    node = ref.root
    if node is None:
        return None
    path = [*ref.prefix, *path]
    line = node.start_mark.line + 1
    for step in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(step) or (step == "not_" and key.value == "not"):
                    child = value
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(step, int)
            and 0 <= step < len(node.value)
        ):
            child = node.value[step]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


_RULE_KINDS = {"clock", "window", "deduction", "escalation", "record", "period", "ranking"}
_MEMBER_NAMES = {
    "Trigger",
    "AllOf",
    "AnyOf",
    "NotOf",
    "CountOf",
    "RepeatOf",
    "EventRef",
    "ParamRef",
    "str",
    "float",
    "int",
    "bool",
    "literal['received']",
}


def _internal_step(step: Any) -> bool:
    """Steps pydantic adds to an error path for unions and validators, not fields."""
    return isinstance(step, str) and ("[" in step or "(" in step or step in _MEMBER_NAMES)


def _validate(model: type[BaseModel], data: Any, name: str, node: _YamlRef | None) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = [step for step in error["loc"] if not _internal_step(step)]
        if len(loc) > 2 and loc[0] == "rules" and loc[2] in _RULE_KINDS:
            del loc[2]  # the discriminator tag pydantic puts in the path
        rule_id = None
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            rules = data.get("rules") if isinstance(data, dict) else None
            if isinstance(rules, list) and loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
                rule_id = rules[loc[1]].get("id")
        field_path = ".".join(str(step) for step in loc)
        raise PackError(
            f"{name}: {field_path}: {error['msg']}",
            file=name,
            line=_line_of(node, loc),
            rule_id=rule_id,
            field=field_path,
        ) from None


# -- cross-references ----------------------------------------------------------------------


_SELECTOR_ENUMS: dict[str, type[TermEnum]] = {
    "channel": enums.Channel,
    "category": enums.Category,
    "urgency": enums.Urgency,
    "special_kind": enums.SpecialKind,
    "not_special_kind": enums.SpecialKind,
    "unit_kind": enums.UnitKind,
    "flag": enums.OrderFlag,
}


class _Checker:
    """Cross-reference checks; every problem names file, line, rule and field."""

    def __init__(
        self,
        manifest: Manifest,
        rules: Sequence[Rule],
        parameters: Mapping[str, Parameter],
        where: Mapping[str, tuple[str, _YamlRef | None, int]],
    ) -> None:
        self.manifest = manifest
        self.rules = rules
        self.parameters = parameters
        self.where = where
        self.kinds = {rule.id: rule for rule in rules}

    def fail(self, rule: Rule, field_path: str, message: str) -> PackError:
        name, node, index = self.where[rule.id]
        steps = [int(step) if step.isdigit() else step for step in field_path.split(".")]
        path: list[Any] = ["rules", index, *steps]
        return PackError(
            f"{name}: rule {rule.id}: {field_path}: {message}",
            file=name,
            line=_line_of(node, path),
            rule_id=rule.id,
            field=field_path,
        )

    def run(self) -> None:
        sources = {source.file for source in self.manifest.sources}
        for rule in self.rules:
            if rule.citation.source not in sources:
                raise self.fail(
                    rule,
                    "citation.source",
                    f"{rule.citation.source!r} is not one of the pack's sources {sorted(sources)}",
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
                                "a deduction counts occurrences: each alternative is one trigger",
                            )
            elif isinstance(rule, EscalationRule):
                self.condition(rule, rule.when, "when")
                self.target(rule, rule.actor, "actor")
                self.target(rule, rule.target, "target")
            elif isinstance(rule, RecordRule):
                if rule.when is not None:
                    self.condition(rule, rule.when, "when")
            elif isinstance(rule, PeriodRule):
                for i, tier in enumerate(rule.tiers):
                    self.condition(rule, tier.when, f"tiers.{i}.when", in_period=True)
                    self.target(rule, tier.actor, f"tiers.{i}.actor")
                    self.target(rule, tier.target, f"tiers.{i}.target")
            elif isinstance(rule, RankingRule):
                self.whole(rule, rule.bottom, "bottom", least=1)
                for value in self.param(rule, rule.ties, "ties"):
                    if value not in ("all", "none"):
                        raise self.fail(rule, "ties", f"must be all or none, got {value!r}")
                for kind in rule.among:
                    self.enum_value(rule, "among", enums.UnitKind, kind)
                self.target(rule, rule.actor, "actor")

    def enum_value(self, rule: Rule, path: str, enum: type[TermEnum], value: str) -> None:
        if value not in {member.value for member in enum}:
            allowed = ", ".join(member.value for member in enum)
            raise self.fail(rule, path, f"unknown value {value!r}; one of: {allowed}")

    def selector(self, rule: Rule, selector: Selector, path: str) -> None:
        for name, enum in _SELECTOR_ENUMS.items():
            for value in getattr(selector, name):
                self.enum_value(rule, f"{path}.{name}", enum, value)
        for name in selector.has:
            if name not in ("reply_deadline", "dispatched_at", "complainant", "issue", "location"):
                raise self.fail(rule, f"{path}.has", f"{name!r} is not an optional order field")
        for i, inner in enumerate(selector.any_of):
            self.selector(rule, inner, f"{path}.any_of.{i}")

    def event_ref(self, rule: Rule, ref: EventRef | Trigger, path: str) -> None:
        event = ref.event
        if event is None:
            return
        cls = EVENT_CLASSES.get(event)
        if cls is None:
            raise self.fail(
                rule,
                f"{path}.event",
                f"unknown event {event!r}; one of: {', '.join(EVENT_CLASSES)}",
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
                why = " (engine-internal)" if name in _INTERNAL_FIELDS else ""
                raise self.fail(
                    rule,
                    f"{path}.where.{name}",
                    f"event {event!r} has no field {name!r}{why}; "
                    f"fields: {', '.join(sorted(fields))}",
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
                f"an operator table has exactly one of {', '.join(_WHERE_OPERATORS)}; "
                f"got {', '.join(map(str, value)) or 'none'}",
            )
        ((op, operand),) = value.items()
        if op == "exists" and not isinstance(operand, bool):
            raise self.fail(rule, path, f"exists takes true or false, got {operand!r}")
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
                    f"{op} compares numbers: {name!r} must be a number field and "
                    f"{operand!r} a number (strings and instants are not ordered here)",
                )

    def reference(self, rule: Rule, ids: Iterable[str], kind: type[Any], path: str) -> None:
        for rule_id in ids:
            other = self.kinds.get(rule_id)
            if other is None:
                raise self.fail(rule, path, f"refers to unknown rule {rule_id!r}")
            if not isinstance(other, kind):
                raise self.fail(
                    rule,
                    path,
                    f"{rule_id!r} is a {other.kind}, not a "
                    f"{kind.__name__.removesuffix('Rule').lower()}",
                )

    def condition(self, rule: Rule, cond: Condition, path: str, in_period: bool = False) -> None:
        if isinstance(cond, Trigger):
            self.event_ref(rule, cond, path)
            if cond.after is not None:
                self.event_ref(rule, cond.after, f"{path}.after")
            if cond.unless_after is not None:
                self.event_ref(rule, cond.unless_after, f"{path}.unless_after")
            self.reference(rule, cond.clock, ClockRule, f"{path}.clock")
            self.reference(rule, cond.window, WindowRule, f"{path}.window")
            self.reference(rule, cond.escalation, EscalationRule, f"{path}.escalation")
            self.reference(rule, cond.deduction, DeductionRule, f"{path}.deduction")
            if cond.escalation and rule.id in cond.escalation:
                raise self.fail(rule, f"{path}.escalation", "a rule cannot refer to itself")
            if cond.deduction and not in_period:
                raise self.fail(
                    rule, f"{path}.deduction", "deduction findings are counted in period rules only"
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
            if not in_period:
                raise self.fail(rule, f"{path}.param_is", "param_is goes in period tiers only")
            for name in cond.param_is:
                self.param(rule, ParamRef(param=name), f"{path}.param_is")
        elif isinstance(cond, RepeatOf):
            if in_period:
                raise self.fail(rule, path, "a repeat condition is about one order, not a period")
            self.whole(rule, cond.at_least, f"{path}.at_least", least=1)
            for value in self.param(rule, cond.within, f"{path}.within"):
                days = isinstance(value, int) and not isinstance(value, bool) and value >= 1
                if value != "calendar_month" and not days:
                    raise self.fail(
                        rule,
                        f"{path}.within",
                        f"must be calendar_month or a number of days of at least 1, got {value!r}",
                    )

    def target(self, rule: Rule, target: Target, path: str) -> None:
        if target.role is not None:
            self.enum_value(rule, f"{path}.role", enums.LeaderRole, target.role)

    def param(self, rule: Rule, ref: Any, path: str) -> list[Any]:
        if not isinstance(ref, ParamRef):
            return [ref]
        if ref.param not in self.parameters:
            raise self.fail(
                rule,
                f"{path}.param",
                f"unknown parameter {ref.param!r}; "
                f"parameters: {', '.join(sorted(self.parameters)) or 'none'}",
            )
        return [dated.value for dated in self.parameters[ref.param].values]

    def whole(self, rule: Rule, ref: Any, path: str, *, least: int) -> None:
        """A count (a number or a dated parameter): every value a whole number >= least."""
        for value in self.param(rule, ref, path):
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise self.fail(
                    rule, path, f"must be a whole number of at least {least}, got {value!r}"
                )

    def number(self, rule: Rule, ref: Any, path: str) -> None:
        """A positive amount (a number or a dated parameter) in every value."""
        for value in self.param(rule, ref, path):
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise self.fail(rule, path, f"must be a number above 0, got {value!r}")

    def duration(self, rule: Rule, spec: Any, path: str, convention: Any, half_day: Any) -> None:
        for text in self.param(rule, spec, path):
            try:
                Duration.parse(str(text))
            except DurationError as exc:
                raise self.fail(rule, path, str(exc)) from None
        for value in self.param(rule, convention, "convention"):
            if value not in {c.value for c in CountingConvention}:
                raise self.fail(rule, "convention", f"unknown counting convention {value!r}")
        if half_day is not None:
            for value in self.param(rule, half_day, "half_day"):
                if value not in {r.value for r in HalfDayRule}:
                    raise self.fail(rule, "half_day", f"unknown half-day rule {value!r}")

    def clock(self, rule: ClockRule) -> None:
        if isinstance(rule.start, EventRef):
            self.event_ref(rule, rule.start, "start")
        self.event_ref(rule, rule.stop, "stop")
        if rule.start_else_due_of is not None:
            self.reference(rule, [rule.start_else_due_of], ClockRule, "start_else_due_of")
            if rule.start_else_due_of == rule.id or not isinstance(rule.start, EventRef):
                raise self.fail(
                    rule, "start_else_due_of", "needs a start event and another clock's id"
                )
        self.reference(rule, rule.no_later_than, ClockRule, "no_later_than")
        if rule.id in rule.no_later_than:
            raise self.fail(rule, "no_later_than", "a clock cannot bound itself")
        for i, ref in enumerate(rule.also_started_by):
            self.event_ref(rule, ref, f"also_started_by.{i}")
            for name in sorted(set(ref.where) & _DERIVED_FIELDS):
                raise self.fail(
                    rule, f"also_started_by.{i}.where.{name}", "reads the event's own fields only"
                )
        if rule.runs_if is not None:
            for name in rule.runs_if.param_is:
                self.param(rule, ParamRef(param=name), "runs_if.param_is")
        if rule.also_stopped_by is not None:
            self.event_ref(rule, rule.also_stopped_by, "also_stopped_by")
            for name in sorted(set(rule.also_stopped_by.where) & _DERIVED_FIELDS):
                raise self.fail(
                    rule, f"also_stopped_by.where.{name}", "reads the event's own fields only"
                )
        if rule.not_stopped_by is not None:
            exception = rule.not_stopped_by
            own = EventRef(event=rule.stop.event, where=exception.where)
            self.event_ref(rule, own, "not_stopped_by")
            for name in sorted(set(exception.where) & _DERIVED_FIELDS):
                raise self.fail(
                    rule, f"not_stopped_by.where.{name}", "reads the event's own fields only"
                )
            for value in self.param(rule, exception.unless, "not_stopped_by.unless"):
                if not isinstance(value, bool):
                    raise self.fail(
                        rule, "not_stopped_by.unless", f"must be true or false, got {value!r}"
                    )
        for i, (begin, end) in enumerate(rule.pause):
            self.event_ref(rule, begin, f"pause.{i}.0")
            self.event_ref(rule, end, f"pause.{i}.1")
        if rule.extend is not None:
            self.event_ref(rule, rule.extend, "extend")
            if "new_deadline" not in EVENT_CLASSES[rule.extend.event].model_fields:
                raise self.fail(rule, "extend.event", "the event carries no new_deadline")
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
                    f"{rule.due_field!r} is neither an order "
                    "deadline (reply_deadline) nor a field of the start event",
                )
        for i, warning in enumerate(rule.warnings):
            if warning.param is None:
                continue
            values = self.param(rule, ParamRef(param=warning.param), f"warnings.{i}")
            for value in values:
                number = isinstance(value, int | float) and not isinstance(value, bool)
                if not number or not 0 < value < 1:
                    raise self.fail(
                        rule, f"warnings.{i}.param", f"must be a fraction of 0 to 1, got {value!r}"
                    )
        levels = [w.at for w in rule.warnings]
        if levels != sorted(levels):
            raise self.fail(rule, "warnings", "warning levels must be in increasing order")

    def points(self, rule: DeductionRule) -> None:
        if rule.points == "from_event":
            if rule.when.event != "external_deduction" if isinstance(rule.when, Trigger) else True:
                raise self.fail(
                    rule,
                    "points",
                    "points: from_event needs an event that carries points (external_deduction)",
                )
            return
        for value in self.param(rule, rule.points, "points"):
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise self.fail(rule, "points", f"points must be a number, got {value!r}")
        for other in rule.same_occurrence_as:
            self.reference(rule, [other], DeductionRule, "same_occurrence_as")
        if rule.assesses is not None:
            kinds = {member.value for member in enums.UnitKind}
            for value in self.param(rule, rule.assesses, "assesses"):
                parts = str(value).split(",")
                if value != "all" and not set(parts) <= kinds:
                    raise self.fail(
                        rule, "assesses", f"must be all or unit kinds, comma-separated: {value!r}"
                    )


def _may_overlap(a: Trigger, b: Trigger) -> bool:
    if a.event and a.event == b.event:
        return all(a.where[key] == b.where[key] for key in set(a.where) & set(b.where))
    if a.clock and set(a.clock) & set(b.clock):
        return a.state == b.state
    if a.window and set(a.window) & set(b.window):
        return a.state == b.state
    return bool(a.escalation and set(a.escalation) & set(b.escalation))


def _overlapping_deductions(rules: Sequence[Rule]) -> list[str]:
    deductions = [rule for rule in rules if isinstance(rule, DeductionRule)]
    flags = []
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
                flags.append(
                    f"deductions {first.id} and {second.id} may count the same occurrence; "
                    "declare same_occurrence_as if intended, or narrow a 'where'"
                )
    return flags


def load_pack(directory: str | Path, *, strict: bool = False, origin: str = "path") -> Pack:
    """Load and validate a pack directory.

    Args:
        directory: the folder holding ``pack.yaml``.
        strict: refuse the pack when the loader flags anything (overlapping deductions).
        origin: recorded as :attr:`Pack.origin` (:func:`~grievance_rules.packs.find_pack`
            sets it; see :data:`ORIGINS`).

    Raises:
        PackError: the pack is broken; the message names file, line, rule id and field.

    Example:
        >>> from grievance_rules.packs import builtin_packs_dir
        >>> pack = load_pack(builtin_packs_dir() / "xiayang")
        >>> pack.id, pack.manifest.sources[0].number
        ('xiayang', '青夏街〔2022〕22号')
    """
    root = Path(directory).resolve()
    if not os.path.lexists(root / _MANIFEST):
        raise PackError(f"{root} is not a policy pack: it has no {_MANIFEST}", file=str(root))
    read: dict[str, bytes] = {}
    data, node = _read_yaml(root / _MANIFEST, root, read)
    manifest: Manifest = _validate(Manifest, data, _MANIFEST, node)
    _check_calendar(manifest, node)
    check_relative(manifest.parameters_file, file=_MANIFEST, field="parameters_file")
    for i, pattern in enumerate(manifest.rule_files):
        check_relative(pattern, file=_MANIFEST, field=f"rule_files.{i}")
    parameters: dict[str, Parameter] = {}
    parameters_path = root / manifest.parameters_file
    if os.path.lexists(parameters_path):
        data, node = _read_yaml(parameters_path, root, read, "parameters_file")
        raw = (data or {}).get("parameters", {}) if isinstance(data, dict) else data
        if not isinstance(raw, dict):
            raise PackError(
                f"{manifest.parameters_file}: 'parameters' must be a mapping",
                file=manifest.parameters_file,
                line=_line_of(node, []),
            )
        for name, value in raw.items():
            parameters[name] = _validate(
                Parameter,
                value,
                f"{manifest.parameters_file} (parameter {name})",
                node.child("parameters", name),
            )
    rules: list[Rule] = []
    where: dict[str, tuple[str, _YamlRef | None, int]] = {}
    files: dict[str, str] = {}
    found: dict[Path, str] = {}
    for i, pattern in enumerate(manifest.rule_files):
        try:
            if any("**" in part and part != "**" for part in pattern.replace("\\", "/").split("/")):
                # refused on every Python (3.13's glob would read 'rules/**x' as 'rules/*x')
                raise ValueError("Invalid pattern: '**' can only be an entire path component")
            matches = list(root.glob(pattern))
        except (ValueError, NotImplementedError) as exc:
            field_path = f"rule_files.{i}"
            raise PackError(
                f"{_MANIFEST}: {field_path}: {pattern!r} is not a usable pattern: {exc}",
                file=_MANIFEST,
                field=field_path,
            ) from None
        for match in matches:
            found.setdefault(match, f"rule_files.{i}")
    paths = sorted(found)
    for path in paths:
        name = path.relative_to(root).as_posix()
        data, node = _read_yaml(path, root, read, found[path])
        if data is None:
            continue
        parsed: RuleFile = _validate(RuleFile, data, name, node)
        for index, rule in enumerate(parsed.rules):
            if rule.id in where:
                raise PackError(
                    f"{name}: rule id {rule.id!r} is also defined in {where[rule.id][0]}",
                    file=name,
                    line=_line_of(node, ["rules", index]),
                    rule_id=rule.id,
                    field="id",
                )
            where[rule.id] = (name, node, index)
            files[rule.id] = name
            rules.append(rule)
    _Checker(manifest, rules, parameters, where).run()
    _check_scoring(manifest, parameters)
    flags = _overlapping_deductions(rules)
    if strict and flags:
        first = flags[0].split()[1]
        raise PackError(
            f"pack {manifest.id}: {flags[0]}", file=files.get(first), rule_id=first, field="when"
        )
    digest = _content_hash(read)
    return Pack(manifest, tuple(rules), parameters, root, files, tuple(flags), {}, digest, origin)


def _check_calendar(manifest: Manifest, node: _YamlRef) -> None:
    """What the pack's calendar is built from, checked at load rather than mid-run.

    Raises:
        PackError: office hours, the half-day rule or an overlay the calendar refuses.
    """
    if manifest.calendar.half_day not in {rule.value for rule in HalfDayRule}:
        allowed = ", ".join(rule.value for rule in HalfDayRule)
        raise PackError(
            f"{_MANIFEST}: calendar.half_day: unknown half-day rule "
            f"{manifest.calendar.half_day!r}; one of: {allowed}",
            file=_MANIFEST,
            line=_line_of(node, ["calendar", "half_day"]),
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
            f"{_MANIFEST}: {field_path}: {exc}",
            file=_MANIFEST,
            line=_line_of(node, field_path.split(".")),
            field=field_path,
        ) from None


def _content_hash(read: Mapping[str, bytes]) -> str:
    """SHA-256 over each file's relative path and bytes, in path order (as pathlib sorts)."""
    digest = hashlib.sha256()
    for name in sorted(read, key=Path):
        data = read[name]
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _check_scoring(manifest: Manifest, parameters: Mapping[str, Parameter]) -> None:
    """The ``scoring`` section names known rates and parameters."""
    names = set(RATE_NAMES)
    for rate, weight in manifest.scoring.composite.items():
        field_path = f"scoring.composite.{rate}"
        if rate not in names:
            raise PackError(
                f"{_MANIFEST}: {field_path}: unknown rate {rate!r}; "
                f"one of {', '.join(sorted(names))}",
                file=_MANIFEST,
                field=field_path,
            )
        if isinstance(weight, ParamRef) and weight.param not in parameters:
            raise PackError(
                f"{_MANIFEST}: {field_path}: unknown parameter {weight.param!r}",
                file=_MANIFEST,
                field=field_path,
            )
