"""A pack diff as Markdown and as CSV (the rows of :class:`~grievance_rules.packs.diff.PackDiff`).

:mod:`grievance_rules.packs.diff` says what differs; this module writes it out for
people (``grievance-rules packs diff``), in the current language, 简体中文 or
English (``lang=``; the CLI's ``--lang``): the frame (headings, labels, the
summary, the status of a row) is translated, and so are the rules' limits,
triggers and parties (:meth:`~grievance_rules.packs.diff.RuleSide.shown`, worded
as the pack READMEs word them); rule ids, titles and quotes are the packs' own.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from grievance_rules.i18n import current_language, join_list
from grievance_rules.i18n import gettext as _
from grievance_rules.packs.diff import DiffRow, PackDiff, RuleSide
from grievance_rules.reports.formatting import (
    diff_status_label,
    in_language,
    kind_of_finding_label,
)

__all__ = ["pack_diff_csv", "pack_diff_markdown"]


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def _status(row: DiffRow, labels: Sequence[str]) -> str:
    if row.status == "only":
        return _("only in {pack}").format(pack=row.present_in[0])
    missing = [label for label in labels if label not in row.present_in]
    status = diff_status_label(row.status)
    if missing:
        status += _("; none in {packs}").format(packs=join_list(missing))
    return status


def _summary_lines(diff: PackDiff) -> list[str]:
    s = diff.summary
    if len(diff.packs) == 2:
        matched = _(
            "- {matched} kind-and-topic rows matched in both packs; {differ} of them differ "
            "in limit, points or trigger."
        ).format(matched=s.matched, differ=s.differ)
    else:
        matched = _(
            "- {matched} kind-and-topic rows matched in two or more packs ({in_all} in all "
            "{packs}); {differ} of them differ in limit, points or trigger."
        ).format(matched=s.matched, in_all=s.in_all, packs=len(diff.packs), differ=s.differ)
    lines = [matched]
    lines += [
        _("- Only in `{pack}`: {count}.").format(pack=label, count=count)
        for label, count in s.only_in.items()
    ]
    for column in diff.packs:
        note = column.note_zh if current_language() == "zh" and column.note_zh else column.note
        if note:
            lines.append(_("- `{pack}`: {note}.").format(pack=column.label, note=note))
        if column.untagged:
            lines.append(
                _("- `{pack}` has rules without topics, matched with nothing: {rules}.").format(
                    pack=column.label,
                    rules=join_list(f"`{rule_id}`" for rule_id in column.untagged),
                )
            )
    return lines


def _detail(side: RuleSide) -> list[str]:
    lines = [
        f"- `{side.rule_id}` {_cell(side.title)}",
        "  - " + _("limit: {value}").format(value=_cell(side.shown("limit"))),
    ]
    for label, value in (
        (_("applies to"), side.shown("applies_to")),
        (_("starts"), side.shown("starts")),
        (_("stops"), side.shown("stops")),
        (_("trigger"), side.shown("trigger")),
        (_("who acts"), side.shown("actor")),
        (_("on whom"), side.shown("target")),
        (_("late"), side.shown("consequence")),
        (_("not computed"), side.shown("not_computed")),
    ):
        if value:
            colon = "：" if current_language() == "zh" else ": "
            lines.append(f"  - {label}{colon}{_cell(value)}")
    if side.parameters and current_language() != "zh":  # as the Chinese pack README
        values = ", ".join(f"`{name}` = {value}" for name, value in side.parameters.items())
        lines.append("  - " + _("parameters: {values}").format(values=_cell(values)))
    lines.append(
        "  - "
        + _("cites {clause}：「{quote}」").format(
            clause=_cell(side.clause), quote=_cell(side.quote)
        )
    )
    return lines


def _brief(kind: str, side: RuleSide) -> str:
    start = ""
    if kind in ("clock", "window"):
        start = " " + _("from {start}").format(start=_cell(side.shown("starts")))
    colon = "：" if current_language() == "zh" else ": "
    return f"`{side.rule_id}`{start}{colon}{_cell(side.shown('limit'))}"


def pack_diff_markdown(diff: PackDiff, *, lang: str | None = None) -> str:
    """The comparison as Markdown: summary, side-by-side table, then each row in detail.

    In the current language, or ``lang`` (``zh``, ``en``).

    Example:
        >>> from grievance_rules.packs import find_pack
        >>> from grievance_rules.packs.diff import diff_packs
        >>> text = pack_diff_markdown(diff_packs(find_pack("xiayang"), find_pack("daye")))
        >>> text.splitlines()[0]
        '# Packs compared: `xiayang` · `daye`'
        >>> pack_diff_markdown(diff_packs(find_pack("xiayang"), find_pack("daye")),
        ...                    lang="zh").splitlines()[0]
        '# 考核办法规则对照：`xiayang` · `daye`'
    """
    with in_language(lang):
        return _pack_diff_markdown(diff)


def _pack_diff_markdown(diff: PackDiff) -> str:
    labels = [column.label for column in diff.packs]
    head = (_("pack"), _("revision"), _("name"), _("parameter values in force on"))
    out = [
        _("# Packs compared: {packs}").format(packs=" · ".join(f"`{label}`" for label in labels)),
        "",
        "| " + " | ".join(head) + " |",
        "|---|---|---|---|",
    ]
    for column in diff.packs:
        out.append(
            f"| `{column.label}` | {_cell(column.revision)} | {_cell(column.name)} | {column.on} |"
        )
    out += [
        "",
        _(
            "Rules are matched by kind and topic; a rule with several topics is in each of "
            "their rows."
        ),
        "",
        "## " + _("Summary"),
        "",
        *_summary_lines(diff),
        "",
        "## " + _("Side by side"),
        "",
        "| " + " | ".join([_("kind"), _("topic"), *(f"`{label}`" for label in labels)]) + " | |",
        "|---|---|" + "---|" * len(labels) + "---|",
    ]
    for row in diff.rows:
        cells = []
        for sides in row.sides:
            cells.append("<br>".join(_brief(row.kind, side) for side in sides) or "—")
        out.append(
            f"| {_kind(row.kind)} | {_topic(row)} | "
            + " | ".join(cells)
            + f" | {_status(row, labels)} |"
        )
    out += ["", "## " + _("Rows in detail")]
    for row in diff.rows:
        out += ["", f"### {_kind(row.kind)} · {_topic(row)} ({_status(row, labels)})"]
        for label, sides in zip(labels, row.sides, strict=True):
            out += ["", f"**`{label}`**", ""]
            if not sides:
                out.append(_("- none: no {kind} rule on this topic.").format(kind=_kind(row.kind)))
            for side in sides:
                out += _detail(side)
    return "\n".join(out) + "\n"


def _kind(kind: str) -> str:
    """A kind of finding: the code in English (``clock``), the term in Chinese (``时限``)."""
    if current_language() != "zh":
        return kind
    return kind_of_finding_label(kind)


def _topic(row: DiffRow) -> str:
    """A topic: ```sign_off` 签收`` in English, ``签收`` in Chinese."""
    if current_language() == "zh":
        return row.topic_zh
    return f"`{row.topic.value}` {row.topic_zh}"


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


def pack_diff_csv(diff: PackDiff, *, lang: str | None = None) -> str:
    """The comparison as CSV: one line per row, pack and rule (status and cells in ``lang``).

    A pack without a rule in a row gets one line with an empty ``rule_id``, so
    that "only in" rows show which pack lacks the topic.

    Example:
        >>> from grievance_rules.packs import find_pack
        >>> from grievance_rules.packs.diff import diff_packs
        >>> text = pack_diff_csv(diff_packs(find_pack("xiayang"), find_pack("daye")))
        >>> text.splitlines()[0].split(",")[:6]
        ['kind', 'topic', 'topic_zh', 'status', 'pack', 'rule_id']
    """
    with in_language(lang):
        return _pack_diff_csv(diff)


def _pack_diff_csv(diff: PackDiff) -> str:
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
                if current_language() == "zh":
                    parameters = side.zh.get("parameters", parameters)
                writer.writerow(
                    [
                        *head,
                        label,
                        side.rule_id,
                        side.title,
                        side.shown("limit"),
                        side.shown("applies_to"),
                        side.shown("starts") or "",
                        side.shown("stops") or "",
                        side.shown("trigger") or "",
                        side.shown("actor") or "",
                        side.shown("target") or "",
                        parameters,
                        side.clause,
                        side.quote,
                    ]
                )
    return buffer.getvalue()
