"""A pack's README, generated from its data so that it cannot drift.

``grievance-rules packs readme PACK --write`` writes ``README.md`` in the pack
directory; a test checks that every built-in pack's README is what this module
renders.
"""

from __future__ import annotations

from collections import defaultdict

from grievance_rules.model.enums import LeaderRole
from grievance_rules.packs.pack import Pack
from grievance_rules.packs.schema import (
    ClockRule,
    DeductionRule,
    Interpretation,
    ParamRef,
    PeriodRule,
    RankingRule,
    RecordRule,
    Rule,
    WindowRule,
)

__all__ = ["render_readme"]


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _value(value: object) -> str:
    if isinstance(value, ParamRef):
        return f"`{value.param}`"
    return f"{value}"


def _what(rule: object) -> str:
    if isinstance(rule, ClockRule):
        due = _value(rule.duration) if rule.duration is not None else f"`{rule.due_field}`"
        start = rule.start if isinstance(rule.start, str) else rule.start.event
        stop = rule.stop.event
        if rule.not_stopped_by is not None:
            where = ", ".join(f"{k}: {v}" for k, v in sorted(rule.not_stopped_by.where.items()))
            unless = rule.not_stopped_by.unless
            stop += f" (not one with {where}" + (
                f", unless `{unless.param}`)" if isinstance(unless, ParamRef) else ")"
            )
        return f"{due} from {start} to {stop}"
    if isinstance(rule, WindowRule):
        opens = rule.opens if isinstance(rule.opens, str) else rule.opens.event
        return f"{rule.action.event} within {_value(rule.duration)} of {opens}"
    if isinstance(rule, DeductionRule):
        points = "from the event" if rule.points == "from_event" else _value(rule.points)
        extra = ", doubling" if rule.progression else ""
        extra += ", once per order" if rule.once_per_order else ""
        return f"points {points}{extra}"
    if isinstance(rule, RecordRule):
        return "recorded" + ("; computes whether its event was recorded" if rule.when else "")
    if isinstance(rule, PeriodRule):
        return f"per {rule.period}: " + " / ".join(tier.action for tier in rule.tiers)
    if isinstance(rule, RankingRule):
        return f"bottom {rule.bottom} per {rule.period}: {rule.action}"
    action = getattr(rule, "action", None)
    return str(action) if action else ""


def _interpretation_lines(i: Interpretation) -> list[str]:
    """The lines under an interpretation's reading: Chinese, example, other reading, switch."""
    lines = []
    if i.reading_zh:
        lines.append(f"  - 本包的理解：{_cell(i.reading_zh)}")
    if i.example:
        lines.append(f"  - Example: {_cell(i.example)}")
    if i.example_zh:
        lines.append(f"  - 示例：{_cell(i.example_zh)}")
    if i.alternative:
        lines.append(f"  - Other reading: {_cell(i.alternative)}")
    if i.alternative_zh:
        lines.append(f"  - 另一种理解：{_cell(i.alternative_zh)}")
    if i.switch:
        lines.append(f"  - To switch: `pack.with_parameters({{...}})` with `{i.switch}`")
    return lines


def render_readme(pack: Pack) -> str:
    """The README of a pack, in Markdown.

    Example:
        >>> from grievance_rules.packs import find_pack
        >>> render_readme(find_pack("xiayang")).splitlines()[0]
        '# 夏阳街道12345市民服务热线工作管理办法 (`xiayang`)'
    """
    m = pack.manifest
    out = [
        f"# {m.name} (`{m.id}`)",
        "",
        "<!-- Generated from the pack's data by `grievance-rules packs readme "
        f"{m.id} --write`; do not edit by hand. -->",
        "",
        f"Jurisdiction: {m.jurisdiction}. Revision {m.revision}, in force from {m.effective_from}.",
        "",
        "## Source",
        "",
    ]
    for source in m.sources:
        details = ", ".join(
            x for x in (source.number, str(source.issued) if source.issued else None) if x
        )
        out.append(f"- `{source.file}`: {source.title}" + (f" ({details})" if details else ""))
        out.extend(f"  - {annex}" for annex in source.annexes)
    cal = m.calendar
    out += [
        "",
        "## Calendar",
        "",
        f"- Office hours: {cal.office_hours or 'none'} ({cal.basis}). {cal.note}".rstrip(),
        f"- Half a working day: `{cal.half_day}`.",
        f"- Weeks start on {m.week_starts}.",
        "",
        "## Clause → rule",
        "",
        "| checklist id | clause in the document | rule | kind | what it computes |",
        "|---|---|---|---|---|",
    ]
    by_clause: dict[str, list[Rule]] = defaultdict(list)
    for rule in pack.rules:
        for clause in rule.clauses:
            by_clause[clause].append(rule)

    def order(key: str) -> tuple[str, int, str]:
        head, _, tail = key.partition("-")
        number = "".join(ch for ch in tail.split(".")[-1] if ch.isdigit())
        prefix = tail.split(".")[0] if "." in tail else ""
        return (head + prefix, int(number or 0), tail)

    for clause in sorted(by_clause, key=order):
        for rule in by_clause[clause]:
            out.append(
                f"| {clause} | {_cell(rule.citation.clause)} | `{rule.id}` | {rule.kind} | "
                f"{_cell(_what(rule))} |"
            )
    out += ["", "## Rules", ""]
    for rule in pack.rules:
        out.append(f"### `{rule.id}` — {rule.title}")
        out.append("")
        out.append(f"{rule.kind}; {pack.rule_files[rule.id]}; {_cell(_what(rule))}.")
        out.append("")
        if rule.topics:
            topics = ", ".join(f"`{topic.value}` {topic.zh}" for topic in rule.topics)
            out.append(f"Topics: {topics}.")
            out.append("")
        out.append(f"> {rule.citation.clause}：{rule.citation.text}")
        out.append("")
    out += [
        "## Parameters",
        "",
        "| parameter | from | value | basis | source |",
        "|---|---|---|---|---|",
    ]
    for name, parameter in sorted(pack.parameters.items()):
        for dated in parameter.values:
            where = dated.citation.clause if dated.citation else (dated.note or "")
            out.append(
                f"| `{name}` | {dated.from_} | {_cell(dated.value)} | {parameter.basis} | "
                f"{_cell(where)} |"
            )
    out += ["", "## Interpretations", ""]
    readings = [(n, p) for n, p in sorted(pack.parameters.items()) if p.interpretation]
    if readings:
        out += ["Readings the whole pack takes (each a parameter):", ""]
    for name, parameter in readings:
        assert parameter.interpretation is not None
        values = ", ".join(f"{_cell(d.value)} from {d.from_}" for d in parameter.values)
        out.append(f"- **`{name}`** ({values}): {_cell(parameter.interpretation.reading)}")
        out += _interpretation_lines(parameter.interpretation)
    interpreted = [rule for rule in pack.rules if rule.interpretation is not None]
    if readings and interpreted:
        out += ["", "Readings of single rules:", ""]
    if not interpreted and not readings and not m.notify.roles:
        out.append("None: every clause encoded reads one way.")
    for rule in interpreted:
        i = rule.interpretation
        assert i is not None
        out.append(f"- **`{rule.id}`** ({rule.citation.clause}): {_cell(i.reading)}")
        out += _interpretation_lines(i)
    if m.notify.roles:
        roles = ", ".join(
            f"{level} → `{role}` {LeaderRole(role).zh}" for level, role in m.notify.roles.items()
        )
        origin = f" (`{m.notify.source}`)" if m.notify.source else ""
        out.append(
            f"- **Warning notices 黄红灯**{origin}, {m.notify.basis}: {roles}. "
            f"{_cell(m.notify.note)}".rstrip()
        )
    out += ["", "## Recorded, not computed", ""]
    for rule in pack.rules_of(RecordRule):
        computed = " Computed: whether its `when` holds." if rule.when is not None else ""
        out.append(f"- **`{rule.id}`** {rule.title}: {_cell(rule.not_computed)}.{computed}")
    out += ["", "## Limitations", ""]
    out += [f"- {_cell(text)}" for text in m.limitations] or ["None recorded."]
    return "\n".join(out) + "\n"
