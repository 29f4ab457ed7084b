"""A loaded, validated policy pack: what the pack says, and its calendar.

:class:`Pack` is frozen data (manifest, rules, parameters, where they came from);
how it runs is the engine's compiled plan (:mod:`grievance_rules.engine.plan`).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from grievance_rules.calendar import (
    LocalOverlay,
    WorkingCalendar,
    china,
)
from grievance_rules.errors import PackError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list
from grievance_rules.packs.checks import Checker
from grievance_rules.packs.schema import (
    DatedValue,
    Manifest,
    Parameter,
    Rule,
)

__all__ = ["ORIGINS", "Pack", "base_key", "pack_calendar", "remember_rule_kinds", "rule_kinds"]

_RULE_KINDS: dict[str, dict[str, str]] = {}
"""By a pack's content hash: the kind of each of its rules (of every pack compiled)."""
_RULE_KINDS_KEPT = 1_024
_RULE_KINDS_LOCK = threading.Lock()


def base_key(key: str) -> str:
    """A pack key's ``id@revision``, without the parameter values given over it.

    Example:
        >>> base_key("daye@2023-05-19+weight_satisfaction=2"), base_key("daye@2023-05-19")
        ('daye@2023-05-19', 'daye@2023-05-19')
    """
    return key.partition("+")[0]


def remember_rule_kinds(pack: Pack) -> None:
    """Keep the kind of each rule of a pack compiled, for :func:`rule_kinds`.

    A pack changed in memory under the same hash (a test's ``dataclasses.replace``)
    adds its rules to those kept: an assertion on either is then not refused.
    """
    with _RULE_KINDS_LOCK:
        kinds = _RULE_KINDS.setdefault(pack.content_hash, {})
        for rule in pack.rules:
            kinds.setdefault(rule.id, rule.kind)
        while len(_RULE_KINDS) > _RULE_KINDS_KEPT:
            del _RULE_KINDS[next(iter(_RULE_KINDS))]


def rule_kinds(content_hash: str) -> Mapping[str, str] | None:
    """The kind of each rule of the pack with this content hash, if one was compiled here."""
    with _RULE_KINDS_LOCK:
        kinds = _RULE_KINDS.get(content_hash)
        return dict(kinds) if kinds is not None else None


ORIGINS = ("builtin", "entry point (<distribution>)", "path")
"""The kinds of :attr:`Pack.origin`: a built-in pack, one installed by another
distribution (its name in the brackets), or a directory given by path."""


_V = TypeVar("_V")


class ReadOnlyMapping(Mapping[str, _V]):
    """A mapping that cannot be changed: a frozen pack's parameters, files and overrides.

    A plain dict there could be changed in place: a pack whose parameter was replaced
    kept its :attr:`Pack.content_hash`, and gave other results under the same hash (and
    the same cached plan). Pickled as the dict it holds.

    Example:
        >>> table = ReadOnlyMapping({"reply_time": "2 working days"})
        >>> table["reply_time"], dict(table) == {"reply_time": "2 working days"}
        ('2 working days', True)
        >>> table["reply_time"] = "1 working day"
        Traceback (most recent call last):
        ...
        TypeError: 'ReadOnlyMapping' object does not support item assignment
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, _V] | None = None) -> None:
        self._data: dict[str, _V] = dict(data or {})

    def __getitem__(self, key: str) -> _V:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"ReadOnlyMapping({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (ReadOnlyMapping, (self._data,))


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
            deductions that could count the same occurrence, undeclared), in English
            whatever the language it was loaded in (a cached pack is shared);
            :func:`~grievance_rules.packs.checks.overlapping_deductions` says them in
            the current language.
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

    def __post_init__(self) -> None:
        # (the fields given, made read-only: the pack is frozen data, its hash its identity)
        for name in ("parameters", "rule_files", "overrides"):
            value = getattr(self, name)
            if not isinstance(value, ReadOnlyMapping):
                object.__setattr__(self, name, ReadOnlyMapping(value))

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
        text = ",".join(f"{k}={_as_written(v)}" for k, v in sorted(self.overrides.items()))
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

    def with_parameters(
        self, overrides: Mapping[str, Any], *, given_by: Mapping[str, str] | None = None
    ) -> Pack:
        """The same pack with some parameters set to fixed values.

        For a what-if, or to pick the other reading of an ambiguous clause.

        Args:
            overrides: parameter name → its value.
            given_by: how each override was given, as an error about its value says it
                (the CLI's ``the option --set points_overdue=two``); by default
                ``the override points_overdue='two'``.

        Raises:
            PackError: an unknown parameter, or a value the rules using it cannot take.
        """
        for name in overrides:
            if name not in self.parameters:
                raise PackError(
                    _("pack {pack} has no parameter {name}; its parameters: {names}").format(
                        pack=self.id, name=repr(name), names=join_list(sorted(self.parameters))
                    ),
                    field=name,
                )
        merged = {**self.overrides, **overrides}
        self._check_overrides(merged, given_by or {})
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

    def _check_overrides(self, overrides: Mapping[str, Any], given_by: Mapping[str, str]) -> None:
        """Each override is checked wherever its parameter is used, as a dated value is.

        An error names the override as ``given_by`` says it was given (by default, as an
        override), not as a value of parameters.yaml.

        Raises:
            PackError: an override the rules using it cannot take (a threshold of
                ``"two"``, a duration of ``"3 fortnights"``), naming the parameter.
        """
        given = {
            name: given_by.get(name)
            or _("the override {name}={value}").format(name=name, value=repr(value))
            for name, value in overrides.items()
        }
        fixed: dict[str, Parameter] = dict(self.parameters)
        for name, value in overrides.items():
            try:
                dated = DatedValue.model_validate({"from": dt.date.min, "value": value})
            except ValidationError:
                raise PackError(
                    _(
                        "pack {pack}: {given}: a parameter's value is a string, a number or "
                        "a boolean (a finite number: not nan or inf)"
                    ).format(pack=self.id, given=given[name]),
                    field=name,
                ) from None
            declared = self.parameters[name]
            if not declared.accepts(value):
                raise PackError(
                    _(
                        "pack {pack}: {given}: {value} is not one of the values of parameter "
                        "{name}: {values}"
                    ).format(
                        pack=self.id,
                        given=given[name],
                        value=repr(value),
                        name=repr(name),
                        values=declared.values_text(),
                    ),
                    field=name,
                )
            fixed[name] = declared.model_copy(update={"values": (dated,)})
        where = {rule_id: (file, None, 0) for rule_id, file in self.rule_files.items()}
        try:
            Checker(self.manifest, self.rules, fixed, where, given).run()
        except PackError as exc:
            names = join_list(f"{name}={value!r}" for name, value in overrides.items())
            raise exc.restated(
                _("pack {pack}: with {overrides}: {problem}").format(
                    pack=self.id, overrides=names, problem=exc
                )
            ) from None

    def calendar(self) -> WorkingCalendar:
        """The pack's working calendar (national days, overlays, office hours).

        Built once per calendar section: packs (and their what-if copies) whose
        ``calendar`` is the same share one calendar and its memo of deadlines.
        """
        key = (self.manifest.id, self.manifest.calendar.model_dump_json())
        with _CALENDARS_LOCK:
            found = _CALENDARS.get(key)
        if found is None:
            found = pack_calendar(self.manifest)
            with _CALENDARS_LOCK:
                found = _CALENDARS.setdefault(key, found)
                while len(_CALENDARS) > _CALENDARS_KEPT:
                    del _CALENDARS[next(iter(_CALENDARS))]
        return found


_CALENDARS: dict[tuple[str, str], WorkingCalendar] = {}
"""(pack id, calendar section as JSON) → the calendar built for it."""
_CALENDARS_KEPT = 64
_CALENDARS_LOCK = threading.Lock()


def pack_calendar(manifest: Manifest) -> WorkingCalendar:
    """The working calendar a manifest describes (national days, overlays, office hours)."""
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


def _as_written(value: Any) -> str:
    """A parameter's value as parameters.yaml and ``--set`` write it (``true``, not ``True``).

    Example:
        >>> [_as_written(v) for v in (True, False, 2, -0.5, "named")]
        ['true', 'false', '2', '-0.5', 'named']
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
