"""Scenario files: a pack's tests written as data.

A scenario file lives in a pack's ``scenarios/`` folder. It has ``defaults``
(fields every order of the file shares, such as its units) and ``cases``; each
case gives one order (``order``) or several (``orders``), an ``as_of``, optional
parameter overrides (``parameters``) and what it expects::

    defaults:
      order: {channel: "12345", category: 投诉, units: [...]}
    cases:
      - name: 省级热线 reply one minute late
        name_zh: 省级热线工单回复晚一分钟
        as_of: 2024-05-09T00:00:00+08:00
        order:
          id: A1
          received_at: 2024-05-06T09:00:00+08:00
          events: [...]
        expect:
          clocks: [{rule: CD-5.provincial-urgent, state: breached, due: 2024-05-08T09:30:00+08:00}]
          deductions: [{rule: CD-A2.1.overdue, points: -1, unit: c07}]
          escalations: []

A case's ``name`` may be English (it is the pytest test id); ``name_zh`` gives
it in 简体中文, and a name with a Latin letter in it should have one. Under Chinese
the case is shown as ``name_zh（name）`` (``grievance-rules --lang zh test``, the
reports of failing cases); a ``name_zh`` that is not text or has no Chinese
character in it is refused.

``clocks``, ``windows`` and ``records`` list findings that must be present
(with the fields given; ``absent: true`` says there must be none of that rule);
``deductions``, ``escalations`` and ``periods`` list *all* the findings of their
kind (nothing more, nothing less; ``unit`` and other fields are compared where
given). ``points`` is the total, and ``unit_points`` the totals by unit;
``warnings`` lists data-warning codes that must be raised. ``periods`` runs the
pack's period and ranking rules over all the case's orders (with ``unit_kinds``
from the orders' units).

The fields an expected finding may give:

* ``clocks``: rule, order, state, due, start, unit, warning, occurrence, absent;
* ``windows``: rule, order, state, closes_at, unit, absent;
* ``deductions``: rule, order, points, unit, sequence;
* ``escalations``: rule, order, target_unit, since, action;
* ``records``: rule, order, computed, absent;
* ``periods``: rule, tier, unit, period.

A file that does not follow this format is refused with a
:class:`ScenarioFileError` naming the file, the case and the field.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from grievance_rules.errors import PackError, WorkOrderError
from grievance_rules.i18n import current_language, has_chinese, join_list, pgettext
from grievance_rules.i18n import gettext as _
from grievance_rules.text_width import display_width, pad

if TYPE_CHECKING:
    from grievance_rules.packs import Pack

__all__ = [
    "Coverage",
    "ScenarioCase",
    "ScenarioFileError",
    "ScenarioResult",
    "load_scenarios",
    "pack_coverage",
    "run_scenario",
]

FINDING_FIELDS: Mapping[str, tuple[str, ...]] = {
    "clocks": ("rule", "order", "state", "due", "start", "unit", "warning", "occurrence"),
    "windows": ("rule", "order", "state", "closes_at", "unit"),
    "deductions": ("rule", "order", "points", "unit", "sequence"),
    "escalations": ("rule", "order", "target_unit", "since", "action"),
    "records": ("rule", "order", "computed"),
    "periods": ("rule", "tier", "unit", "period"),
}
"""The fields of each kind of finding a scenario can expect, in display order."""
_PRESENT_KINDS = ("clocks", "windows", "records")
_EXACT_KINDS = ("deductions", "escalations", "periods")
_EXPECT_KEYS = frozenset({*FINDING_FIELDS, "points", "unit_points", "warnings"})
_CASE_KEYS = frozenset(
    {"name", "name_zh", "order", "orders", "as_of", "parameters", "expect", "note"}
)
_FILE_KEYS = frozenset({"defaults", "cases", "note"})


class ScenarioFileError(PackError):
    """A scenario file that does not follow the format; names the file, case and field."""


@dataclass(frozen=True)
class ScenarioCase:
    """One case of a scenario file."""

    name: str
    file: Path
    index: int
    pack_dir: Path
    orders: tuple[Mapping[str, Any], ...]
    as_of: str | None
    parameters: Mapping[str, Any]
    expect: Mapping[str, Any]
    name_zh: str | None = None
    """The name in 简体中文 (``name_zh`` in the file), if the case gives one."""
    line: int | None = None
    """The line of the file where the case begins (from 1), where known."""

    @property
    def where(self) -> str:
        """The file and case, for messages: ``returns.yaml case 2 (name)``."""
        return f"{self.file.name} case {self.index + 1} ({self.name})"

    @property
    def shown_name(self) -> str:
        """The name as people read it in the current language.

        In Chinese, ``name_zh（name）``: the Chinese name with the English one in
        brackets after it (the English is the pytest test id, so it stays findable);
        the name alone when the case has no ``name_zh``. In English, the name.
        """
        return _shown_name(self.name, self.name_zh)


def _shown_name(name: str, name_zh: str | None) -> str:
    if current_language() != "zh" or not name_zh or name_zh == name:
        return name
    return f"{name_zh}（{name}）"


@dataclass
class ScenarioResult:
    """What running a case found: mismatches (empty when it passes) and the findings.

    Attributes:
        case: the case.
        mismatches: one line per expectation that did not hold.
        actual: the findings by kind, as the plain dicts expectations are compared with.
        traces: the trace of each finding of ``actual``, by kind, in the same order.
        citations: ``source clause「quoted text」`` of every rule of the pack, by rule id.
        rules_exercised: the rules a finding of which the case checked: an expected
            clock, window or record (not ``absent``), or any deduction, escalation or
            period finding of a kind the case lists whole (or whose points it totals).
        states_checked: by rule, the states (``met``, ``breached``, ``within``,
            ``late`` ...) the case's expected clocks and windows name.
        unit_names: each unit's name by its id, from the case's orders (the traces
            in :meth:`report` name units by them).
        parameter_labels: the Chinese labels of the pack's parameters (the traces in
            :meth:`report` read in Chinese show a parameter's value with its label).
    """

    case: ScenarioCase
    mismatches: list[str] = field(default_factory=list)
    actual: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    traces: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)
    citations: dict[str, str] = field(default_factory=dict)
    rules_exercised: set[str] = field(default_factory=set)
    states_checked: dict[str, set[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    unit_names: dict[str, str] = field(default_factory=dict)
    parameter_labels: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """Whether every expectation held."""
        return not self.mismatches

    def report(self) -> str:
        """Expected and actual findings side by side, with the citations of the rules involved.

        Each kind the case expects gets a table: an expected finding and the
        actual finding it matched (``=``), or the nearest one of the same rule
        that did not match (``≠``), or nothing; then the findings nobody expected
        (``+``; a mismatch for deductions, escalations and periods). Values are
        shown for the fields the expectation compares. The traces of the actual
        findings on a ``≠`` or ``+`` row follow, then the citations.
        """
        case = self.case
        lines = [
            _("scenario {name} ({file} case {number})").format(
                name=repr(case.shown_name), file=case.file.name, number=case.index + 1
            )
            if case.line is None
            else _("scenario {name} ({file} case {number}, line {line})").format(
                name=repr(case.shown_name),
                file=case.file.name,
                number=case.index + 1,
                line=case.line,
            )
        ]
        lines += [_("  MISMATCH {mismatch}").format(mismatch=m) for m in self.mismatches]
        involved: list[str] = []
        traced: list[tuple[str, dict[str, Any], tuple[str, ...]]] = []
        for kind in FINDING_FIELDS:
            expected = case.expect.get(kind)
            if expected is None:
                continue
            rows = _pair(
                kind, list(expected or []), self.actual.get(kind, []), known=self.citations
            )
            lines.append(_("  {kind}:").format(kind=_kind_label(kind)))
            lines += _table(rows)
            for mark, want, got, index in rows:
                for item in (want, got):
                    rule = str(item.get("rule")) if item else None
                    if rule and rule not in involved:
                        involved.append(rule)
                if index is not None and mark in ("≠", "+"):
                    steps = self.traces.get(kind, [])
                    full = self.actual[kind][index]
                    traced.append((kind, full, steps[index] if index < len(steps) else ()))
        for key in ("points", "unit_points", "warnings"):
            if key in case.expect:
                lines.append(
                    _("  {key}: expected {expected}; actual {actual}").format(
                        key=_kind_label(key),
                        expected=_short(case.expect[key]),
                        actual=self._got(key),
                    )
                )
        for kind, got, trace in traced:
            if trace:
                lines.append(
                    _("  trace of {kind} {finding}:").format(
                        kind=_kind_label(kind[:-1]), finding=_short(_shown(kind, got, None))
                    )
                )
                lines += [f"    {_trace_line(step, self)}" for step in trace]
        cited = [rule for rule in involved if rule in self.citations]
        if cited:
            lines.append(_("  cited:"))
            lines += [f"    {rule}: {self.citations[rule]}" for rule in cited]
        return "\n".join(lines)

    def _got(self, key: str) -> str:
        deductions = self.actual.get("deductions", [])
        if key == "points":
            return f"{sum(d['points'] for d in deductions):g}"
        if key == "unit_points":
            totals: Counter[str] = Counter()
            for item in deductions:
                totals[str(item["unit"])] += item["points"]
            return _short(dict(totals))
        return _short(sorted(set(self.warnings)))


def _short(value: Any) -> str:
    text = yaml.safe_dump(
        value, allow_unicode=True, default_flow_style=True, width=10_000, sort_keys=False
    )
    return text.strip().removesuffix("\n...")  # a scalar's document end marker


def _kind_label(kind: str) -> str:
    """A kind of finding (``clocks``, ``clock``) or a total (``points``) as people read it."""
    if current_language() != "zh":
        return kind
    labels = {
        "clock": pgettext("scenario report", "time limit"),
        "window": pgettext("scenario report", "window"),
        "deduction": pgettext("scenario report", "deduction"),
        "escalation": pgettext("scenario report", "escalation"),
        "record": pgettext("scenario report", "record"),
        "period": pgettext("scenario report", "period finding"),
        "points": pgettext("scenario report", "points"),
        "unit_points": pgettext("scenario report", "points by unit"),
        "warnings": pgettext("scenario report", "data warnings"),
    }
    singular = kind[:-1] if kind.endswith("s") and kind[:-1] in labels else kind
    return labels.get(singular, kind)


def _trace_line(step: str, result: ScenarioResult) -> str:
    """A line of a finding's trace in the current language (stored in English).

    The engine's traces are data and stay English; they are said as every report
    says them (:func:`grievance_rules.reports.traces.trace_text`): units by id and
    name, a parameter's value with its label.
    """
    from grievance_rules.reports.traces import trace_text

    return trace_text(step, unit_names=result.unit_names, parameter_labels=result.parameter_labels)


def _shown(kind: str, item: Mapping[str, Any], keys: Sequence[str] | None) -> dict[str, Any]:
    """An actual finding cut to the fields an expectation compares (all, if none given)."""
    order = FINDING_FIELDS[kind]
    wanted = keys if keys is not None else order
    return {k: item[k] for k in order if k in wanted and k in item and item[k] is not None}


Row = tuple[str, dict[str, Any] | None, dict[str, Any] | None, int | None]
"""(mark, expected item, actual item as shown, index of the actual finding)."""


def _pair(
    kind: str,
    expected: list[Any],
    actual: list[dict[str, Any]],
    *,
    known: Mapping[str, str] | None = None,
) -> list[Row]:
    """Expected findings beside the actual ones they matched, or the nearest ones.

    ``known``: the pack's rules (by id); an expectation of another rule never matches,
    ``absent`` or not (the table showed ``=`` beside the mismatch saying it is no rule).
    """
    used: set[int] = set()
    rows: list[Row] = []
    for item in expected:
        if not isinstance(item, dict):
            continue
        keys = [k for k in item if k != "absent"]
        if item.get("absent"):
            same = [i for i, a in enumerate(actual) if a.get("rule") == item.get("rule")]
            unknown = known is not None and str(item.get("rule")) not in known
            mark = "≠" if same or unknown else "="
            got = _shown(kind, actual[same[0]], keys) if same else None
            rows.append((mark, item, got, same[0] if same else None))
            used.update(same)
            continue
        match = next((i for i, a in enumerate(actual) if i not in used and _matches(item, a)), None)
        if match is not None:
            used.add(match)
            rows.append(("=", item, _shown(kind, actual[match], keys), match))
            continue
        near = next(
            (
                i
                for i, a in enumerate(actual)
                if i not in used
                and a.get("rule") == item.get("rule")
                and ("order" not in item or a.get("order") == item["order"])
            ),
            None,
        )
        if near is not None:
            used.add(near)
        rows.append(
            ("≠", item, _shown(kind, actual[near], keys) if near is not None else None, near)
        )
    extra = "+" if kind in _EXACT_KINDS else " "
    for i, a in enumerate(actual):
        if i not in used:
            rows.append((extra, None, _shown(kind, a, None), i))
    return rows


def _table(rows: Sequence[Row]) -> list[str]:
    left = [_short(want) if want is not None else "" for _, want, _, _ in rows]
    none, expected, actual = _("(none)"), _("expected"), _("actual")
    right = [_short(got) if got is not None else none for _, _, got, _ in rows]
    width = max([display_width(expected), *(display_width(text) for text in left)])
    lines = [f"      {pad(expected, width)} │ {actual}"]
    for (mark, *_others), l_text, r_text in zip(rows, left, right, strict=True):
        lines.append(f"    {mark} {pad(l_text, width)} │ {r_text}")
    if not rows:
        lines.append(f"      {pad(none, width)} │ {none}")
    return lines


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    merged.update(over)
    return merged


def _text(value: Any) -> Any:
    """YAML reads unquoted timestamps as datetimes; scenarios compare ISO text."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_text(v) for v in value]
    return value


def _check_expect(file: Path, where: str, expect: Any) -> None:
    def fail(path: str, problem: str) -> ScenarioFileError:
        return ScenarioFileError(
            _("{file}: {where}: {field}: {problem}").format(
                file=file, where=where, field=path, problem=problem
            ),
            file=str(file),
            field=path,
        )

    if not isinstance(expect, dict):
        raise fail("expect", _("must be a mapping of finding kinds"))
    for key, items in expect.items():
        if key not in _EXPECT_KEYS:
            raise fail(
                f"expect.{key}",
                _("unknown; one of {keys}").format(keys=join_list(sorted(_EXPECT_KEYS))),
            )
        if key == "points" and (isinstance(items, bool) or not isinstance(items, int | float)):
            raise fail("expect.points", _("must be a number (the total points)"))
        if key == "unit_points" and not (
            isinstance(items, dict)
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in items.values())
        ):
            raise fail("expect.unit_points", _("must be a mapping of unit id to points"))
        if key == "warnings" and not (
            isinstance(items, list) and all(isinstance(v, str) for v in items)
        ):
            raise fail("expect.warnings", _("must be a list of warning codes"))
        if key not in FINDING_FIELDS:
            continue
        if items is not None and not isinstance(items, list):
            raise fail(f"expect.{key}", _("must be a list of findings"))
        allowed = {*FINDING_FIELDS[key], *(("absent",) if key in _PRESENT_KINDS else ())}
        for n, item in enumerate(items or []):
            if not isinstance(item, dict) or "rule" not in item:
                raise fail(f"expect.{key}[{n}]", _("must be a mapping with 'rule'"))
            unknown = sorted(set(item) - allowed)
            if unknown:
                raise fail(
                    f"expect.{key}[{n}].{unknown[0]}",
                    _("unknown field; a {kind} has {fields}").format(
                        kind=_kind_label(key[:-1]), fields=join_list(sorted(allowed))
                    ),
                )

    for key in _PRESENT_KINDS:
        if key in expect and not expect[key]:
            # (it reads as "no clocks", and checks nothing: a test that cannot fail)
            raise fail(
                f"expect.{key}",
                _(
                    "an empty list checks nothing: {key} lists findings that must be there; "
                    "to say a rule has none, give {{rule: ID, absent: true}}"
                ).format(key=key),
            )
    if not any(
        key in _EXACT_KINDS or key in ("points", "unit_points") or value
        for key, value in expect.items()
    ):
        raise fail(
            "expect",
            _(
                "checks nothing: give the findings the case expects (a case that checks "
                "nothing cannot fail)"
            ),
        )


def load_scenarios(path: str | Path) -> list[ScenarioCase]:
    """The cases of one scenario file (its pack is the folder above ``scenarios/``).

    The file is read as a pack file is (:mod:`grievance_rules.packs.files`): it must
    lie inside its pack once symbolic links are followed, be a regular file of at
    most 1 MiB, and its YAML must stay within the alias-expansion and depth caps.

    Raises:
        ScenarioFileError: the file is not a scenario file; the message says which
            case and field, and why.
    """
    from grievance_rules.packs.files import load_yaml, read_pack_file

    file = Path(path)
    try:  # inside its pack, bounded in size and YAML expansion, as every pack file is
        data, node = load_yaml(read_pack_file(file.parent.parent, file), file.name)
        data = data or {}
    except PackError as exc:
        message = str(exc)
        for suffix in (f" (line {exc.line})", _(" (line {line})").format(line=exc.line)):
            message = message.removesuffix(suffix)
        for name in (exc.file, file.name):
            for prefix in (f"{name}: ", f"{name}："):
                message = message.removeprefix(prefix)
        raise ScenarioFileError(
            _("{file}: {message}").format(file=file, message=message),
            file=str(file),
            line=exc.line,
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise ScenarioFileError(
            _("{file}: a scenario file has 'cases:', a list").format(file=file), file=str(file)
        )
    unknown = sorted((str(key) for key in set(data) - _FILE_KEYS), key=str)
    if unknown:
        raise ScenarioFileError(
            _("{file}: unknown key {key}; a scenario file has defaults and cases").format(
                file=file, key=repr(unknown[0])
            ),
            file=str(file),
            field=unknown[0],
        )
    given = data.get("defaults") or {}
    if not isinstance(given, dict) or not isinstance(given.get("order", {}), dict):
        raise ScenarioFileError(
            _(
                "{file}: defaults: must be a mapping with 'order', the fields every order shares"
            ).format(file=file),
            file=str(file),
            field="defaults",
        )
    stray = sorted(str(key) for key in given if key != "order")
    if stray:  # ('ordr:'): its fields would be dropped without a word
        raise ScenarioFileError(
            _("{file}: defaults: unknown key {key}; defaults has 'order'").format(
                file=file, key=repr(stray[0])
            ),
            file=str(file),
            field=f"defaults.{stray[0]}",
        )
    defaults = _text(given.get("order", {}))
    lines = _case_lines(node)
    cases = []
    named: dict[str, int] = {}
    for index, raw in enumerate(data["cases"]):
        unknown = sorted(
            (str(key) for key in set(raw) - _CASE_KEYS) if isinstance(raw, dict) else []
        )
        if not isinstance(raw, dict) or (
            ("name" not in raw or "expect" not in raw) and not unknown
        ):
            raise ScenarioFileError(
                _("{file}: case {number} needs 'name' and 'expect'").format(
                    file=file, number=index + 1
                ),
                file=str(file),
            )
        if "name" not in raw:  # a key mistyped ('nme'): said as the key, below with a name
            raise ScenarioFileError(
                _("{file}: case {number}: unknown key {key}; a case has {keys}").format(
                    file=file,
                    number=index + 1,
                    key=repr(unknown[0]),
                    keys=join_list(sorted(_CASE_KEYS)),
                ),
                file=str(file),
                field=unknown[0],
            )
        raw = _text(raw)
        where = _("case {number} ({name})").format(number=index + 1, name=raw["name"])
        first = named.setdefault(str(raw["name"]), index + 1)
        if first != index + 1:  # (the name is the case's test id: two would be one)
            raise ScenarioFileError(
                _("{file}: {where}: name: case {first} has the same name").format(
                    file=file, where=where, first=first
                ),
                file=str(file),
                field="name",
            )
        name_zh = _name_zh(file, where, raw)
        where = _("case {number} ({name})").format(
            number=index + 1, name=_shown_name(str(raw["name"]), name_zh)
        )
        unknown = sorted(set(raw) - _CASE_KEYS)
        if unknown:
            raise ScenarioFileError(
                _("{file}: {where}: unknown key {key}; a case has {keys}").format(
                    file=file, where=where, key=repr(unknown[0]), keys=join_list(sorted(_CASE_KEYS))
                ),
                file=str(file),
                field=unknown[0],
            )
        if "order" in raw and "orders" in raw:  # (one of them was dropped without a word)
            raise ScenarioFileError(
                _("{file}: {where}: give 'order' or 'orders', not both").format(
                    file=file, where=where
                ),
                file=str(file),
                field="orders",
            )
        if not isinstance(raw.get("parameters") or {}, dict):
            raise ScenarioFileError(
                _(
                    "{file}: {where}: parameters: must be a mapping of parameter name to value"
                ).format(file=file, where=where),
                file=str(file),
                field="parameters",
            )
        orders = raw.get("orders") or ([raw["order"]] if "order" in raw else [])
        if not isinstance(orders, list):
            orders = [orders]
        if not orders or not all(isinstance(order, dict) for order in orders):
            raise ScenarioFileError(
                _("{file}: {where}: has no order (give 'order' or a list 'orders')").format(
                    file=file, where=where
                ),
                file=str(file),
                field="order",
            )
        as_of = raw.get("as_of")
        if as_of is not None:
            try:
                moment = dt.datetime.fromisoformat(str(as_of))
            except ValueError:
                moment = None
            if moment is None or moment.utcoffset() is None:
                raise ScenarioFileError(
                    _(
                        "{file}: {where}: as_of: {value} is not an ISO 8601 instant with an offset"
                    ).format(file=file, where=where, value=repr(as_of)),
                    file=str(file),
                    field="as_of",
                )
        _check_expect(file, where, raw["expect"])
        cases.append(
            ScenarioCase(
                name=str(raw["name"]),
                file=file,
                index=index,
                pack_dir=file.parent.parent,
                orders=tuple(_merge(defaults, order) for order in orders),
                as_of=as_of,
                parameters=raw.get("parameters") or {},
                expect=raw["expect"],
                name_zh=name_zh,
                line=lines[index] if index < len(lines) else None,
            )
        )
    return cases


def _case_lines(node: yaml.Node | None) -> list[int]:
    """The line (from 1) where each case of the file's ``cases`` list begins."""
    if not isinstance(node, yaml.MappingNode):
        return []
    for key, value in node.value:
        if (
            isinstance(key, yaml.ScalarNode)
            and key.value == "cases"
            and isinstance(value, yaml.SequenceNode)
        ):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _name_zh(file: Path, where: str, raw: Mapping[str, Any]) -> str | None:
    """A case's ``name_zh``: text with a Chinese character in it, or absent."""
    if "name_zh" not in raw:
        return None
    value = raw["name_zh"]
    if not isinstance(value, str):
        raise ScenarioFileError(
            _(
                "{file}: {where}: name_zh: must be text, the case's name in Chinese; got {value}"
            ).format(file=file, where=where, value=repr(value)),
            file=str(file),
            field="name_zh",
        )
    if not has_chinese(value):
        raise ScenarioFileError(
            _(
                "{file}: {where}: name_zh: {value} has no Chinese character in it; "
                "a '_zh' text must be written in Chinese"
            ).format(file=file, where=where, value=repr(value)),
            file=str(file),
            field="name_zh",
        )
    return value


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, str) and isinstance(actual, str):
        try:
            return dt.datetime.fromisoformat(expected) == dt.datetime.fromisoformat(actual)
        except ValueError:
            return expected == actual
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return abs(float(expected) - float(actual)) < 1e-9
    return bool(expected == actual)


def _matches(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> bool:
    return all(
        key in actual and _same(value, actual[key])
        for key, value in expected.items()
        if key != "absent"
    )


def _check_present(
    kind: str, expected: Sequence[Mapping[str, Any]], actual: list[dict[str, Any]], out: list[str]
) -> None:
    for item in expected:
        if item.get("absent"):
            rule = item["rule"]
            if any(a["rule"] == rule for a in actual):
                out.append(
                    _("{kind}: expected no {rule}, found one").format(
                        kind=_kind_label(kind), rule=rule
                    )
                )
            continue
        if not any(_matches(item, a) for a in actual):
            near = [a for a in actual if a.get("rule") == item.get("rule")]
            out.append(
                _("{kind}: expected {expected}; found {found}").format(
                    kind=_kind_label(kind),
                    expected=_short(item),
                    found=_short(near) if near else _("none"),
                )
            )


def _check_exact(
    kind: str, expected: Sequence[Mapping[str, Any]], actual: list[dict[str, Any]], out: list[str]
) -> None:
    remaining = list(actual)
    for item in expected:
        match = next((a for a in remaining if _matches(item, a)), None)
        if match is None:
            out.append(
                _("{kind}: expected {expected}, not found").format(
                    kind=_kind_label(kind), expected=_short(item)
                )
            )
        else:
            remaining.remove(match)
    for extra in remaining:
        out.append(
            _("{kind}: unexpected {finding}").format(kind=_kind_label(kind), finding=_short(extra))
        )


@functools.lru_cache(maxsize=32)
def _pack(directory: Path) -> Pack:
    """A pack loaded once per process: every case of a pack shares it (and its ruleset)."""
    from grievance_rules.packs import load_pack

    return load_pack(directory)


def _case_error(case: ScenarioCase, field: str, exc: Exception) -> ScenarioFileError:
    """An error met running a case, said with its file and case (and the field it is in)."""
    where = _("case {number} ({name})").format(number=case.index + 1, name=case.shown_name)
    return ScenarioFileError(
        _("{file}: {where}: {field}: {problem}").format(
            file=case.file, where=where, field=field, problem=exc
        ),
        file=str(case.file),
        field=field,
    )


def _orders(case: ScenarioCase) -> list[Any]:
    from pydantic import ValidationError

    from grievance_rules.model import WorkOrder

    orders = []
    for n, record in enumerate(case.orders):
        try:
            orders.append(WorkOrder.model_validate(record))
        except ValidationError as exc:
            # as the readers say it, in either language: the field as a path
            # (events[1].round), an instant refused once (not by both of its
            # validation paths, the fast one's "valid datetime" first)
            from grievance_rules.reading.problems import problems_from_validation

            problems = problems_from_validation(exc)
            path, message = problems[0].field, problems[0].message
            more = len(problems) - 1
            raise ScenarioFileError(
                _(
                    "{file}: case {number} ({name}): order {order} ({id}): {field}: {message}"
                ).format(
                    file=case.file,
                    number=case.index + 1,
                    name=case.shown_name,
                    order=n + 1,
                    id=record.get("id", _("no id")),
                    field=path,
                    message=message,
                )
                + (_(" (and {count} more)").format(count=more) if more else ""),
                file=str(case.file),
                field=path,
            ) from None
    return orders


def run_scenario(case: ScenarioCase) -> ScenarioResult:
    """Evaluate a case and compare with what it expects.

    Raises:
        ScenarioFileError: an order of the case is not a valid work order.
        PackError: the pack cannot be loaded, or a parameter override is unknown.
    """
    from grievance_rules.engine import RepeatIndex, evaluate, evaluate_periods
    from grievance_rules.reports.formatting import unit_names_of
    from grievance_rules.reports.traces import parameter_labels

    result = ScenarioResult(case)
    pack = _pack(case.pack_dir.resolve())
    if case.parameters:
        try:
            pack = pack.with_parameters(case.parameters)
        except PackError as exc:  # the case's own parameters: named by file and case
            raise _case_error(case, "parameters", exc) from None
    result.parameter_labels = parameter_labels(pack)
    result.citations = {
        rule.id: f"{rule.citation.source} {rule.citation.clause}「{rule.citation.text}」"
        for rule in pack.rules
    }
    orders = _orders(case)
    result.unit_names = unit_names_of(unit for order in orders for unit in order.units)
    as_of = dt.datetime.fromisoformat(case.as_of) if case.as_of else None
    repeats = RepeatIndex.from_orders(orders) if len(orders) > 1 else None
    try:
        assessments = [evaluate(order, pack, as_of, repeats=repeats) for order in orders]
    except WorkOrderError as exc:  # an order whose history contradicts itself
        raise _case_error(case, "orders", exc) from None
    actual: dict[str, list[dict[str, Any]]] = {kind: [] for kind in FINDING_FIELDS}
    traces: dict[str, list[tuple[str, ...]]] = {kind: [] for kind in FINDING_FIELDS}
    for a in assessments:
        for c in a.clocks:
            actual["clocks"].append(
                {
                    "rule": c.rule_id,
                    "occurrence": c.occurrence,
                    "state": c.state,
                    "due": c.due.isoformat(),
                    "start": c.start.isoformat(),
                    "warning": c.warning_level,
                    "unit": c.unit,
                    "order": a.order_id,
                }
            )
            traces["clocks"].append(c.trace)
        for w in a.windows:
            actual["windows"].append(
                {
                    "rule": w.rule_id,
                    "state": w.state,
                    "closes_at": w.closes_at.isoformat(),
                    "unit": w.unit,
                    "order": a.order_id,
                }
            )
            traces["windows"].append(w.trace)
        for d in a.deductions:
            actual["deductions"].append(
                {
                    "rule": d.rule_id,
                    "points": d.points,
                    "unit": d.unit,
                    "order": a.order_id,
                    "sequence": d.sequence,
                }
            )
            traces["deductions"].append(d.trace)
        for e in a.escalations:
            actual["escalations"].append(
                {
                    "rule": e.rule_id,
                    "target_unit": e.target_unit,
                    "since": e.since.isoformat(),
                    "action": e.action,
                    "order": a.order_id,
                }
            )
            traces["escalations"].append(e.trace)
        for r in a.records:
            actual["records"].append(
                {"rule": r.rule_id, "computed": r.computed, "order": a.order_id}
            )
            traces["records"].append(r.trace)
    unit_kinds = {u.id: u.kind.value for o in orders for u in o.units}
    if "periods" in case.expect:
        for p in evaluate_periods(assessments, pack, unit_kinds=unit_kinds):
            actual["periods"].append(
                {"rule": p.rule_id, "tier": p.tier_id, "unit": p.unit, "period": p.period}
            )
            traces["periods"].append(tuple(getattr(p, "trace", ())))
    result.actual = actual
    result.traces = traces
    result.warnings = [w.code for a in assessments for w in a.warnings]
    expect = case.expect
    out = result.mismatches
    known = set(result.citations)
    for kind in FINDING_FIELDS:
        for item in expect.get(kind) or []:
            if str(item["rule"]) not in known:
                out.append(
                    _("{kind}: {rule} is not a rule of pack {pack}").format(
                        kind=_kind_label(kind), rule=item["rule"], pack=pack.id
                    )
                )
    for kind in _PRESENT_KINDS:
        if kind in expect:
            _check_present(kind, expect[kind] or [], actual[kind], out)
    for kind in _EXACT_KINDS:
        if kind in expect:
            _check_exact(kind, expect[kind] or [], actual[kind], out)
    total = sum(d["points"] for d in actual["deductions"])
    if "points" in expect and not _same(expect["points"], total):
        out.append(
            _("{key}: expected {expected}, got {actual}").format(
                key=_kind_label("points"), expected=expect["points"], actual=f"{total:g}"
            )
        )
    if "unit_points" in expect:
        by_unit: Counter[str] = Counter()
        for item in actual["deductions"]:
            by_unit[str(item["unit"])] += item["points"]
        for unit, value in expect["unit_points"].items():
            if not _same(value, by_unit.get(unit, 0.0)):
                out.append(
                    _("{key}: {unit} expected {expected}, got {actual}").format(
                        key=_kind_label("unit_points"),
                        unit=unit,
                        expected=value,
                        actual=f"{by_unit.get(unit, 0):g}",
                    )
                )
    if "warnings" in expect:
        codes = set(result.warnings)
        for code in expect["warnings"]:
            if code not in codes:
                out.append(
                    _("{key}: expected {expected}, got {actual}").format(
                        key=_kind_label("warnings"), expected=code, actual=sorted(codes)
                    )
                )
    result.rules_exercised, result.states_checked = _checked(expect, actual)
    return result


def _checked(
    expect: Mapping[str, Any], actual: Mapping[str, list[dict[str, Any]]]
) -> tuple[set[str], dict[str, set[str]]]:
    """The rules whose findings a case checked, and the states its clocks and windows name.

    A finding that is there but that no expectation looks at shows nothing: a case
    with ``expect: {}`` exercises no rule. A record counts when its computable part
    held or it computes nothing (``computed`` is not false).
    """
    rules: set[str] = set()
    states: dict[str, set[str]] = {}
    for kind in _PRESENT_KINDS:
        for item in expect.get(kind) or []:
            if item.get("absent"):
                continue
            rule = str(item["rule"])
            if kind == "records":
                found = [a for a in actual.get(kind, []) if _matches(item, a)]
                if not any(a.get("computed") is not False for a in found):
                    continue
            rules.add(rule)
            if kind != "records" and "state" in item:
                states.setdefault(rule, set()).add(str(item["state"]))
    for kind in _EXACT_KINDS:
        totals = kind == "deductions" and ("points" in expect or "unit_points" in expect)
        if kind in expect or totals:
            rules.update(str(item["rule"]) for item in actual.get(kind, []))
    return rules, states


_SIDES = {"clock": ("met", "breached"), "window": ("within", "late")}


def _states_seen(states: Sequence[str]) -> str:
    """The states a time limit was seen in, in the current language (``nothing`` if none)."""
    if not states:
        return _("nothing")
    labels = {
        "met": pgettext("scenario report", "met"),
        "breached": pgettext("scenario report", "breached"),
        "within": pgettext("scenario report", "within"),
        "late": pgettext("scenario report", "late"),
        "running": pgettext("scenario report", "running"),
        "paused": pgettext("scenario report", "paused"),
    }
    return join_list(labels.get(state, state) for state in states)


@dataclass
class Coverage:
    """What a pack's scenarios exercise.

    Only cases that pass count: a failing case shows nothing about the pack.

    Attributes:
        results: every case's result.
        unexercised: rules no passing case checked a finding of
            (:attr:`ScenarioResult.rules_exercised`: a finding that is there but that
            no expectation looks at does not count; a record counts when its
            computable part held or it computes nothing).
        one_sided: time limits (clocks, windows) that no passing case expected on
            both sides of the boundary: met and breached (clocks), within and late
            (windows), as the expected findings' ``state`` says; each entry says
            which sides were checked.
        titles: every rule's title, by rule id.
    """

    results: list[ScenarioResult]
    unexercised: list[str]
    one_sided: list[str]
    titles: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> list[ScenarioResult]:
        """The cases that did not pass."""
        return [r for r in self.results if not r.passed]

    @property
    def complete(self) -> bool:
        """Every rule exercised, and every time limit seen on both sides.

        Never for a pack of no rules (``titles`` empty): nothing was exercised.
        """
        return bool(self.titles) and not self.unexercised and not self.one_sided


def pack_coverage(pack_dir: str | Path) -> Coverage:
    """Run every scenario of a pack and report rule and boundary coverage.

    Raises:
        PackError: the pack cannot be loaded.
        ScenarioFileError: a scenario file does not follow the format.
    """
    root = Path(pack_dir)
    pack = _pack(root.resolve())
    results: list[ScenarioResult] = []
    for file in sorted((root / "scenarios").glob("*.y*ml")):
        results.extend(run_scenario(case) for case in load_scenarios(file))
    exercised: set[str] = set()
    sides: dict[str, set[str]] = {}
    for result in results:
        if not result.passed:
            continue
        exercised |= result.rules_exercised
        for rule_id, states in result.states_checked.items():
            sides.setdefault(rule_id, set()).update(states)
    unexercised = [rule.id for rule in pack.rules if rule.id not in exercised]
    one_sided = []
    for rule in pack.rules:
        wanted = _SIDES.get(rule.kind)
        seen = sides.get(rule.id, set())
        if wanted is not None and not set(wanted) <= seen:
            one_sided.append(
                _("{rule} (seen: {states})").format(
                    rule=rule.id,
                    states=_states_seen([s for s in (*wanted, "running", "paused") if s in seen]),
                )
            )
    titles = {rule.id: rule.title for rule in pack.rules}
    return Coverage(results, unexercised, one_sided, titles)
