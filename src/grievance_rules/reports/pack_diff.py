"""A pack diff as Markdown and as CSV (the rows of :class:`~grievance_rules.packs.diff.PackDiff`).

:mod:`grievance_rules.packs.diff` says what differs; this module writes it out for
people (``grievance-rules packs diff``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from grievance_rules.packs.diff import DiffRow, PackDiff, RuleSide

__all__ = ["pack_diff_csv", "pack_diff_markdown"]


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _status(row: DiffRow, labels: Sequence[str]) -> str:
    if row.status == "only":
        return f"only in {row.present_in[0]}"
    missing = [label for label in labels if label not in row.present_in]
    return row.status + (f"; none in {', '.join(missing)}" if missing else "")


def _summary_lines(diff: PackDiff) -> list[str]:
    s = diff.summary
    both = "both packs" if len(diff.packs) == 2 else "two or more packs"
    lines = [
        f"- {s.matched} kind-and-topic rows matched in {both}"
        + (f" ({s.in_all} in all {len(diff.packs)})" if len(diff.packs) > 2 else "")
        + f"; {s.differ} of them differ in limit, points or trigger.",
    ]
    lines += [f"- Only in `{label}`: {count}." for label, count in s.only_in.items()]
    for column in diff.packs:
        if column.note:
            lines.append(f"- `{column.label}`: {column.note}.")
        if column.untagged:
            lines.append(
                f"- `{column.label}` has rules without topics, matched with nothing: "
                + ", ".join(f"`{rule_id}`" for rule_id in column.untagged)
                + "."
            )
    return lines


def _detail(side: RuleSide) -> list[str]:
    lines = [f"- `{side.rule_id}` {_cell(side.title)}", f"  - limit: {_cell(side.limit)}"]
    for label, value in (
        ("applies to", side.applies_to),
        ("starts", side.starts),
        ("stops", side.stops),
        ("trigger", side.trigger),
        ("who acts", side.actor),
        ("on whom", side.target),
        ("late", side.consequence),
        ("not computed", side.not_computed),
    ):
        if value:
            lines.append(f"  - {label}: {_cell(value)}")
    if side.parameters:
        values = ", ".join(f"`{name}` = {value}" for name, value in side.parameters.items())
        lines.append(f"  - parameters: {_cell(values)}")
    lines.append(f"  - cites {_cell(side.clause)}：「{_cell(side.quote)}」")
    return lines


def _brief(kind: str, side: RuleSide) -> str:
    start = f" from {_cell(side.starts)}" if kind in ("clock", "window") else ""
    return f"`{side.rule_id}`{start}: {_cell(side.limit)}"


def pack_diff_markdown(diff: PackDiff) -> str:
    """The comparison as Markdown: summary, side-by-side table, then each row in detail.

    Example:
        >>> from grievance_rules.packs import find_pack
        >>> from grievance_rules.packs.diff import diff_packs
        >>> text = pack_diff_markdown(diff_packs(find_pack("xiayang"), find_pack("daye")))
        >>> text.splitlines()[0]
        '# Packs compared: `xiayang` · `daye`'
    """
    labels = [column.label for column in diff.packs]
    out = [
        "# Packs compared: " + " · ".join(f"`{label}`" for label in labels),
        "",
        "| pack | revision | name | parameter values in force on |",
        "|---|---|---|---|",
    ]
    for column in diff.packs:
        out.append(
            f"| `{column.label}` | {_cell(column.revision)} | {_cell(column.name)} | {column.on} |"
        )
    out += [
        "",
        "Rules are matched by kind and topic; a rule with several topics is in each of their rows.",
        "",
        "## Summary",
        "",
        *_summary_lines(diff),
        "",
        "## Side by side",
        "",
        "| kind | topic | " + " | ".join(f"`{label}`" for label in labels) + " | |",
        "|---|---|" + "---|" * len(labels) + "---|",
    ]
    for row in diff.rows:
        cells = []
        for sides in row.sides:
            cells.append("<br>".join(_brief(row.kind, side) for side in sides) or "—")
        out.append(
            f"| {row.kind} | `{row.topic.value}` {row.topic_zh} | "
            + " | ".join(cells)
            + f" | {_status(row, labels)} |"
        )
    out += ["", "## Rows in detail"]
    for row in diff.rows:
        out += ["", f"### {row.kind} · `{row.topic.value}` {row.topic_zh} ({_status(row, labels)})"]
        for label, sides in zip(labels, row.sides, strict=True):
            out += ["", f"**`{label}`**", ""]
            if not sides:
                out.append(f"- none: no {row.kind} rule on this topic.")
            for side in sides:
                out += _detail(side)
    return "\n".join(out) + "\n"


CSV_COLUMNS = (
    "kind",
    "topic",
    "topic_zh",
    "status",
    "pack",
    "rule_id",
    "title",
    "limit",
    "applies_to",
    "starts",
    "stops",
    "trigger",
    "actor",
    "target",
    "parameters",
    "clause",
    "quote",
)


def pack_diff_csv(diff: PackDiff) -> str:
    """The comparison as CSV: one line per row, pack and rule.

    A pack without a rule in a row gets one line with an empty ``rule_id``, so
    that "only in" rows show which pack lacks the topic.

    Example:
        >>> from grievance_rules.packs import find_pack
        >>> from grievance_rules.packs.diff import diff_packs
        >>> text = pack_diff_csv(diff_packs(find_pack("xiayang"), find_pack("daye")))
        >>> text.splitlines()[0].split(",")[:6]
        ['kind', 'topic', 'topic_zh', 'status', 'pack', 'rule_id']
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    labels = [column.label for column in diff.packs]
    for row in diff.rows:
        head = [row.kind, row.topic.value, row.topic_zh, _status(row, labels)]
        for label, sides in zip(labels, row.sides, strict=True):
            if not sides:
                writer.writerow([*head, label] + [""] * (len(CSV_COLUMNS) - 5))
            for side in sides:
                parameters = "; ".join(f"{k}={v}" for k, v in side.parameters.items())
                writer.writerow(
                    [
                        *head,
                        label,
                        side.rule_id,
                        side.title,
                        side.limit,
                        side.applies_to,
                        side.starts or "",
                        side.stops or "",
                        side.trigger or "",
                        side.actor or "",
                        side.target or "",
                        parameters,
                        side.clause,
                        side.quote,
                    ]
                )
    return buffer.getvalue()
