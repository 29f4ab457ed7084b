"""Scenario files: a pack's tests written as data.

A scenario file lives in a pack's ``scenarios/`` folder. It has ``defaults``
(fields every order of the file shares, such as its units) and ``cases``; each
case gives one order (``order``) or several (``orders``), an ``as_of``, optional
parameter overrides (``parameters``) and what it expects::

    defaults:
      order: {channel: "12345", category: 投诉, units: [...]}
    cases:
      - name: 省级热线 reply one minute late
        as_of: 2024-05-09T00:00:00+08:00
        order:
          id: A1
          received_at: 2024-05-06T09:00:00+08:00
          events: [...]
        expect:
          clocks: [{rule: CD-5.provincial-urgent, state: breached, due: 2024-05-08T09:30:00+08:00}]
          deductions: [{rule: CD-A2.1.overdue, points: -1, unit: c07}]
          escalations: []

``clocks``, ``windows`` and ``records`` list findings that must be present
(with the fields given); ``deductions``, ``escalations`` and ``periods`` list
*all* the findings of their kind (nothing more, nothing less; ``unit`` and
other fields are compared where given). ``points`` is the total, and
``unit_points`` the totals by unit. ``periods`` runs the pack's period and
ranking rules over all the case's orders (with ``unit_kinds`` from the orders'
units).
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

if TYPE_CHECKING:
    from grievance_rules.packs import Pack

__all__ = [
    "Coverage",
    "ScenarioCase",
    "ScenarioResult",
    "load_scenarios",
    "pack_coverage",
    "run_scenario",
]


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


@dataclass
class ScenarioResult:
    """What running a case found: mismatches (empty when it passes) and the findings."""

    case: ScenarioCase
    mismatches: list[str] = field(default_factory=list)
    actual: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    citations: dict[str, str] = field(default_factory=dict)
    rules_exercised: set[str] = field(default_factory=set)

    @property
    def passed(self) -> bool:
        """Whether every expectation held."""
        return not self.mismatches

    def report(self) -> str:
        """Expected and actual side by side, with the citations of the rules involved."""
        lines = [f"scenario {self.case.name!r} ({self.case.file.name} case {self.case.index + 1})"]
        lines += [f"  MISMATCH {m}" for m in self.mismatches]
        for kind in ("clocks", "windows", "deductions", "escalations", "records", "periods"):
            expected = self.case.expect.get(kind)
            if expected is None:
                continue
            lines.append(f"  {kind}:")
            lines.append(f"    expected: {_short(expected)}")
            lines.append(f"    actual:   {_short(self.actual.get(kind, []))}")
        involved = sorted(
            {
                str(item.get("rule"))
                for m in (self.case.expect, self.actual)
                for k in m.values()
                if isinstance(k, list)
                for item in k
                if isinstance(item, dict) and "rule" in item
            }
        )
        for rule in involved:
            if rule in self.citations:
                lines.append(f"  {rule}: {self.citations[rule]}")
        return "\n".join(lines)


def _short(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000).strip()


def _merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    merged.update(over)
    return merged


def _text(value: Any) -> Any:
    """YAML reads unquoted timestamps as datetimes; scenarios compare ISO text."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_text(v) for v in value]
    return value


def load_scenarios(path: str | Path) -> list[ScenarioCase]:
    """The cases of one scenario file (its pack is the folder above ``scenarios/``).

    Raises:
        ValueError: the file is not a scenario file; the message says which case and why.
    """
    file = Path(path)
    data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise ValueError(f"{file}: a scenario file has 'cases:', a list")
    defaults = _text(data.get("defaults", {}).get("order", {}))
    cases = []
    for index, raw in enumerate(data["cases"]):
        if not isinstance(raw, dict) or "name" not in raw or "expect" not in raw:
            raise ValueError(f"{file}: case {index + 1} needs 'name' and 'expect'")
        raw = _text(raw)
        orders = raw.get("orders") or ([raw["order"]] if "order" in raw else [])
        if not orders:
            raise ValueError(f"{file}: case {index + 1} ({raw['name']}) has no order")
        cases.append(
            ScenarioCase(
                name=str(raw["name"]),
                file=file,
                index=index,
                pack_dir=file.parent.parent,
                orders=tuple(_merge(defaults, order) for order in orders),
                as_of=raw.get("as_of"),
                parameters=raw.get("parameters", {}),
                expect=raw["expect"],
            )
        )
    return cases


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, str) and isinstance(actual, str):
        try:
            return dt.datetime.fromisoformat(expected) == dt.datetime.fromisoformat(actual)
        except ValueError:
            return expected == actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return abs(float(expected) - float(actual)) < 1e-9
    return bool(expected == actual)


def _matches(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> bool:
    return all(key in actual and _same(value, actual[key]) for key, value in expected.items())


def _check_present(
    kind: str, expected: Sequence[Mapping[str, Any]], actual: list[dict[str, Any]], out: list[str]
) -> None:
    for item in expected:
        if item.get("absent"):
            rule = item["rule"]
            if any(a["rule"] == rule for a in actual):
                out.append(f"{kind}: expected no {rule}, found one")
            continue
        if not any(_matches(item, a) for a in actual):
            near = [a for a in actual if a.get("rule") == item.get("rule")]
            out.append(f"{kind}: expected {_short(item)}; found {_short(near) if near else 'none'}")


def _check_exact(
    kind: str, expected: Sequence[Mapping[str, Any]], actual: list[dict[str, Any]], out: list[str]
) -> None:
    remaining = list(actual)
    for item in expected:
        match = next((a for a in remaining if _matches(item, a)), None)
        if match is None:
            out.append(f"{kind}: expected {_short(item)}, not found")
        else:
            remaining.remove(match)
    for extra in remaining:
        out.append(f"{kind}: unexpected {_short(extra)}")


@functools.lru_cache(maxsize=32)
def _pack(directory: Path) -> Pack:
    """A pack loaded once per process: every case of a pack shares it (and its ruleset)."""
    from grievance_rules.packs import load_pack

    return load_pack(directory)


def run_scenario(case: ScenarioCase) -> ScenarioResult:
    """Evaluate a case and compare with what it expects."""
    from grievance_rules.engine import RepeatIndex, evaluate, evaluate_periods
    from grievance_rules.model import WorkOrder

    result = ScenarioResult(case)
    pack = _pack(case.pack_dir.resolve())
    if case.parameters:
        pack = pack.with_parameters(case.parameters)
    result.citations = {
        rule.id: f"{rule.citation.source} {rule.citation.clause}「{rule.citation.text}」"
        for rule in pack.rules
    }
    orders = [WorkOrder.model_validate(order) for order in case.orders]
    as_of = dt.datetime.fromisoformat(case.as_of) if case.as_of else None
    repeats = RepeatIndex.from_orders(orders) if len(orders) > 1 else None
    assessments = [evaluate(order, pack, as_of, repeats=repeats) for order in orders]
    actual: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("clocks", "windows", "deductions", "escalations", "records", "periods")
    }
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
        for r in a.records:
            actual["records"].append(
                {"rule": r.rule_id, "computed": r.computed, "order": a.order_id}
            )
    unit_kinds = {u.id: u.kind.value for o in orders for u in o.units}
    if "periods" in case.expect:
        for p in evaluate_periods(assessments, pack, unit_kinds=unit_kinds):
            actual["periods"].append(
                {"rule": p.rule_id, "tier": p.tier_id, "unit": p.unit, "period": p.period}
            )
    result.actual = actual
    expect = case.expect
    out = result.mismatches
    for kind in ("clocks", "windows", "records"):
        if kind in expect:
            _check_present(kind, expect[kind] or [], actual[kind], out)
    for kind in ("deductions", "escalations", "periods"):
        if kind in expect:
            _check_exact(kind, expect[kind] or [], actual[kind], out)
    total = sum(d["points"] for d in actual["deductions"])
    if "points" in expect and not _same(expect["points"], total):
        out.append(f"points: expected {expect['points']}, got {total:g}")
    if "unit_points" in expect:
        by_unit: Counter[str] = Counter()
        for item in actual["deductions"]:
            by_unit[str(item["unit"])] += item["points"]
        for unit, value in expect["unit_points"].items():
            if not _same(value, by_unit.get(unit, 0.0)):
                out.append(f"unit_points: {unit} expected {value}, got {by_unit.get(unit, 0):g}")
    if "warnings" in expect:
        codes = {w.code for a in assessments for w in a.warnings}
        for code in expect["warnings"]:
            if code not in codes:
                out.append(f"warnings: expected {code}, got {sorted(codes)}")
    result.rules_exercised = {item["rule"] for items in actual.values() for item in items}
    return result


@dataclass
class Coverage:
    """What a pack's scenarios exercise.

    Attributes:
        results: every case's result.
        unexercised: rules no scenario produced a finding for (period and ranking
            rules count when a case expects their findings).
        one_sided: time limits (clocks, windows) whose scenarios never saw both
            sides of the boundary (met and breached; within and late).
    """

    results: list[ScenarioResult]
    unexercised: list[str]
    one_sided: list[str]

    @property
    def failed(self) -> list[ScenarioResult]:
        """The cases that did not pass."""
        return [r for r in self.results if not r.passed]


def pack_coverage(pack_dir: str | Path) -> Coverage:
    """Run every scenario of a pack and report rule and boundary coverage."""
    from grievance_rules.packs.schema import ClockRule, WindowRule

    root = Path(pack_dir)
    pack = _pack(root.resolve())
    results: list[ScenarioResult] = []
    for file in sorted((root / "scenarios").glob("*.y*ml")):
        results.extend(run_scenario(case) for case in load_scenarios(file))
    exercised: set[str] = set()
    sides: dict[str, set[str]] = {}
    for result in results:
        for kind, items in result.actual.items():
            for item in items:
                if kind == "records" and item.get("computed") is False:
                    continue
                exercised.add(str(item["rule"]))
                if kind in ("clocks", "windows"):
                    sides.setdefault(str(item["rule"]), set()).add(str(item["state"]))
    unexercised = [rule.id for rule in pack.rules if rule.id not in exercised]
    one_sided = []
    for rule in pack.rules:
        seen = sides.get(rule.id, set())
        if isinstance(rule, ClockRule) and not {"met", "breached"} <= seen:
            one_sided.append(f"{rule.id} (seen: {', '.join(sorted(seen)) or 'nothing'})")
        if isinstance(rule, WindowRule) and not {"within", "late"} <= seen:
            one_sided.append(f"{rule.id} (seen: {', '.join(sorted(seen)) or 'nothing'})")
    return Coverage(results, unexercised, one_sided)
