"""``grievance-rules evaluate``: assess every order of a file under a pack."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from grievance_rules.cli._dataset import (
    cluster_options,
    evaluation_stream,
    pop_cluster,
    repeats_option,
)
from grievance_rules.cli._language import N_, Choice, argument, command, option
from grievance_rules.cli._options import (
    DUPLICATES_OPTION,
    ENGINE_OPTION,
    pack_options,
    parse_instant,
    writable_file,
)
from grievance_rules.cli._output import (
    REJECTED_EXIT,
    atomic_file,
    counts_line,
    echo_rejection,
)
from grievance_rules.cli._reading import (
    file_options,
    input_format_option,
    refuse_format_as_output,
    tz_option,
    workbook_zone,
    zone_of,
)
from grievance_rules.engine import Assessment, EngineName, Rejection, plan_for
from grievance_rules.engine.batch import Duplicates
from grievance_rules.i18n import current_language, ngettext
from grievance_rules.i18n import gettext as _
from grievance_rules.model import WorkOrder
from grievance_rules.model.enums import LeaderRole
from grievance_rules.reports.formatting import unit_names_of, unit_with_name, warning_text
from grievance_rules.reports.traces import trace_text

__all__ = ["evaluate_command", "state_name"]


NOTHING = "—"
"""What the table shows where a finding has no value (never ``None``)."""


def state_name(state: str) -> str:
    """A clock's, window's or warning level's state in the current language."""
    names = {
        "running": _("running"),
        "paused": _("paused"),
        "met": _("met"),
        "breached": _("breached"),
        "within": _("within"),
        "late": _("late"),
        "yellow": _("yellow"),
        "red": _("red"),
    }
    return names.get(state, state)


def _unit(names: Mapping[str, str], unit_id: str | None) -> str:
    """A unit by id, and by name when the order names it (``c07 东风社区``), in either language."""
    if unit_id is None:
        return ""
    return unit_with_name(unit_id, names)


def _role(role: str | None) -> str | None:
    if role is None or current_language() != "zh":
        return role
    try:
        return LeaderRole(role).zh
    except ValueError:
        return role


def _table(assessment: Assessment, order: WorkOrder | None = None) -> list[str]:
    """The assessment as lines for people, in the current language."""
    names = unit_names_of(order.units) if order is not None else {}
    lines = [
        ngettext(
            "order {order} under {pack} as of {as_of}: {points} point",
            "order {order} under {pack} as of {as_of}: {points} points",
            1 if abs(assessment.points) == 1 else 2,  # -1 or 1 point; 0, 0.5, -2 points
        ).format(
            order=assessment.order_id,
            pack=assessment.pack,
            as_of=assessment.as_of.isoformat(),
            points=f"{assessment.points:g}",
        )
    ]
    for clock in assessment.clocks:
        warning = f" [{state_name(clock.warning_level)}]" if clock.warning_level else ""
        line = _("  clock      {rule:<26} due {due}  {state}{warning}  {unit}").format(
            rule=clock.rule_id,
            due=f"{clock.due:%Y-%m-%d %H:%M}",
            state=state_name(clock.state),
            warning=warning,
            unit=_unit(names, clock.unit),
        )
        if clock.provisional:
            line = line.rstrip() + _(
                "  (provisional: the deadline counts a day no holiday notice has set yet)"
            )
        lines.append(line)
    for window in assessment.windows:
        lines.append(
            _("  window     {rule:<26} closes {closes}  {state}  {unit}").format(
                rule=window.rule_id,
                closes=f"{window.closes_at:%Y-%m-%d %H:%M}",
                state=state_name(window.state),
                unit=_unit(names, window.unit),
            )
        )
    for deduction in assessment.deductions:
        lines.append(
            _("  points     {rule:<26} {points}  {unit}  ({occurrence})").format(
                rule=deduction.rule_id,
                points=f"{deduction.points:+g}",
                unit=_unit(names, deduction.unit),
                occurrence=trace_text(deduction.occurrence, unit_names=names),
            )
        )
    for escalation in assessment.escalations:
        actor = _role(escalation.actor_role) or escalation.actor_body
        if actor is None and escalation.actor_unit is not None:  # a unit acts: by its name
            actor = _unit(names, escalation.actor_unit)
        target = _unit(names, escalation.target_unit) or NOTHING
        if actor is None:  # no one named to act: say only on whom
            lines.append(
                _("  escalation {rule:<26} {action} on {target}").format(
                    rule=escalation.rule_id, action=escalation.action, target=target
                )
            )
            continue
        lines.append(
            _("  escalation {rule:<26} {action} by {actor} on {target}").format(
                rule=escalation.rule_id, action=escalation.action, actor=actor, target=target
            )
        )
    for data_warning in assessment.warnings:
        lines.append(
            _("  warning    {code}: {message}").format(
                code=data_warning.code,
                message=warning_text(
                    data_warning.code,
                    data_warning.message,
                    data_warning.rule_id,
                    event_type=data_warning.event_type,
                ),
            )
        )
    return lines


_BY_ENDING = {".xlsx": "xlsx", ".parquet": "parquet"}
"""The formats an output file's name chooses when ``--output-format`` is not given."""


@command("evaluate")
@argument("file", type=click.Path(exists=True, dir_okay=True))
@pack_options
@option(
    "--as-of",
    help=N_(
        "Assess as of this instant (ISO 8601 with offset; a date alone is 00:00 Shanghai time)."
    ),
)
@input_format_option
@tz_option(N_("Zone for naive timestamps in FILE and --as-of (e.g. Asia/Shanghai)."))
@file_options
@option(
    "--output-format",
    "output_format",
    type=Choice(["jsonl", "table", "xlsx", "parquet"]),
    default="jsonl",
    show_default=True,
    help=N_(
        "One JSON assessment per line, a table for people, or an Excel workbook of the "
        "findings (xlsx; also chosen by an --output name ending in .xlsx; parquet by one "
        "ending in .parquet)."
    ),
)
@option(
    "--output",
    "-o",
    "output",
    callback=writable_file,
    help=N_(
        "Write to this file (default: standard output); a JSON Lines file ends with a "
        "summary record, and appears only when complete."
    ),
)
@ENGINE_OPTION
@DUPLICATES_OPTION
@repeats_option
@cluster_options
def evaluate_command(
    file: str,
    pack_name: str | Path,
    as_of: str | None,
    input_format: str | None,
    tz: str | None,
    output_format: str,
    output: str | None,
    engine: EngineName = "native",
    duplicates: Duplicates = "reject",
    repeats: bool = True,
    assume_tz: str | None = None,
    **reading: Any,
) -> None:
    """Assess every order in FILE under a pack: one JSON assessment per line, or a table.

    Every record is assessed or rejected: rejected records go to standard error
    with their file and line, id and reasons (the reader's, the history checks',
    a duplicate id, or what the engine refused), and the closing line on standard
    error gives the counts, which add up. Exit status 1 when any record was
    rejected (2 for a usage error).

    Under a pack with repeat conditions (daye's 现场督办) the orders of FILE are
    indexed in a first pass and each order's repeats counted among them; orders
    not in FILE are not counted (--no-repeats: no pass, and no repeat counted).
    """
    refuse_format_as_output(output, ("jsonl", "table"))
    if output is not None and output_format == "jsonl":
        # -o findings.xlsx: the workbook; -o findings.parquet: the findings table (it
        # wrote JSON Lines under that name)
        output_format = _BY_ENDING.get(Path(output).suffix.lower(), output_format)
    ending = Path(output).suffix.lower() if output is not None else ""
    if output_format == "jsonl" and ending in (".csv", ".md", ".html", ".htm"):
        # (it wrote JSON Lines under that name)
        raise click.UsageError(
            _(
                "evaluate writes JSON Lines, a table, xlsx or parquet, not {ending}: name the "
                "file .jsonl or .xlsx, or give --output-format (score and compare write "
                "CSV, Markdown and HTML)"
            ).format(ending=ending)
        )
    if output_format in ("xlsx", "parquet") and output is None:  # refused before reading
        raise click.UsageError(
            _("--output-format {format} needs --output FILE (-o FILE)").format(format=output_format)
        )
    cluster = pop_cluster(file, reading)
    if cluster is not None and output_format == "xlsx":
        raise click.UsageError(_("--output-format xlsx is written in this process; use parquet"))
    plan = plan_for(pack_name)
    tz = zone_of(tz, assume_tz)
    instant: dt.datetime | None = parse_instant(as_of, tz, "--as-of") if as_of else None
    counts = {"records": 0, "assessed": 0, "rejected": 0}
    excluded = [0]  # of the assessed, excluded from assessment (不纳入测评): said, not scored
    workbook = None
    if output_format == "xlsx":
        from grievance_rules.reports.xlsx import FindingsWorkbook

        workbook = FindingsWorkbook(zone=workbook_zone(tz), packs=[plan.pack])

    findings = None
    if output_format == "parquet":
        from grievance_rules.reports.parquet import FindingsWriter

        assert output is not None
        findings = FindingsWriter(output)

    def emit(write: Any) -> None:
        stream = evaluation_stream(
            file,
            input_format,
            tz,
            plan.pack,
            instant,
            engine,
            duplicates,
            cluster,
            reading,
            repeats,
        )
        for entry in stream:
            counts["records"] += 1
            if isinstance(entry, Rejection):
                counts["rejected"] += 1
                if workbook is not None:
                    workbook.reject(entry)
                echo_rejection(entry, for_people=output_format == "table")
                continue
            counts["assessed"] += 1
            (assessment,) = entry.assessments
            excluded[0] += assessment.excluded_from_assessment
            if workbook is not None:
                workbook.add(entry.order, assessment)
            elif findings is not None:
                findings.add(assessment)
            elif output_format == "jsonl":
                write(assessment.model_dump_json() + "\n")
            else:
                write("\n".join(_table(assessment, entry.order)) + "\n")

    if findings is not None:
        with findings:  # the file appears only when complete
            emit(None)
        click.echo(_("wrote {file}").format(file=output), err=True)
    elif workbook is not None and output is not None:
        emit(None)
        workbook.save(output)  # a temporary file beside it, renamed when complete
        click.echo(_("wrote {file}").format(file=output), err=True)
    elif output is None:
        emit(lambda text: click.echo(text, nl=False))
    else:
        with atomic_file(output) as handle:
            emit(handle.write)
            if output_format == "jsonl":  # a cut-off file cannot end with this line
                # for programs, as the service counts: an assessment for each order
                # assessed, those excluded from assessment among them (each says so)
                # (``excluded``: of those assessed, the ones excluded from assessment,
                # as the closing line counts them apart)
                summary = {
                    "summary": {
                        **counts,
                        "excluded": excluded[0],
                        "pack": plan.key,
                        "complete": True,
                    }
                }
                handle.write(json.dumps(summary, ensure_ascii=False) + "\n")
        click.echo(_("wrote {file}").format(file=output), err=True)
    excluded_count = excluded[0]
    said = counts_line(
        counts["records"],
        counts["assessed"] - excluded_count,
        excluded_count,
        counts["rejected"],
        records=True,
    )
    click.echo(said, err=True)
    if counts["rejected"]:
        raise SystemExit(REJECTED_EXIT)
