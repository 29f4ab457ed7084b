"""``grievance-rules evaluate``: assess every order of a file under a pack."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click

from grievance_rules.cli._options import (
    DUPLICATES_OPTION,
    ENGINE_OPTION,
    pack_options,
    parse_instant,
)
from grievance_rules.cli._output import REJECTED_EXIT, atomic_file
from grievance_rules.cli._reading import file_options, orders_of, tz_option, zone_of
from grievance_rules.engine import Assessment, EngineName, Rejection, plan_for
from grievance_rules.engine.batch import Duplicates
from grievance_rules.scoring.stream import assess_stream

__all__ = ["evaluate_command"]


def _table(assessment: Assessment) -> list[str]:
    lines = [
        f"order {assessment.order_id} under {assessment.pack} as of "
        f"{assessment.as_of.isoformat()}: {assessment.points:g} points"
    ]
    for clock in assessment.clocks:
        warning = f" [{clock.warning_level}]" if clock.warning_level else ""
        lines.append(
            f"  clock      {clock.rule_id:<26} due {clock.due:%Y-%m-%d %H:%M}  "
            f"{clock.state}{warning}  {clock.unit or ''}"
        )
    for window in assessment.windows:
        lines.append(
            f"  window     {window.rule_id:<26} closes {window.closes_at:%Y-%m-%d %H:%M}"
            f"  {window.state}  {window.unit or ''}"
        )
    for deduction in assessment.deductions:
        lines.append(
            f"  points     {deduction.rule_id:<26} {deduction.points:+g}  "
            f"{deduction.unit or ''}  ({deduction.occurrence})"
        )
    for escalation in assessment.escalations:
        lines.append(
            f"  escalation {escalation.rule_id:<26} {escalation.action} by "
            f"{escalation.actor_role or escalation.actor_body} on "
            f"{escalation.target_unit or '-'}"
        )
    for data_warning in assessment.warnings:
        lines.append(f"  warning    {data_warning.code}: {data_warning.message}")
    return lines


@click.command("evaluate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@pack_options
@click.option("--as-of", help="Assess as of this instant (ISO 8601 with offset).")
@click.option("--format", "input_format", help="json, jsonl, csv or xlsx (default: from FILE).")
@tz_option("Zone for naive timestamps in FILE and --as-of (e.g. Asia/Shanghai).")
@file_options
@click.option(
    "--output-format",
    "output_format",
    type=click.Choice(["jsonl", "table"]),
    default="jsonl",
    show_default=True,
    help="One JSON assessment per line, or a table for people.",
)
@click.option(
    "--output",
    "-o",
    "output",
    help="Write to this file (default: standard output); a JSON Lines file ends with a "
    "summary record, and appears only when complete.",
)
@ENGINE_OPTION
@DUPLICATES_OPTION
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
    assume_tz: str | None = None,
    **reading: Any,
) -> None:
    """Assess every order in FILE under a pack: one JSON assessment per line, or a table.

    Every record is assessed or rejected: rejected records go to standard error
    with their file and line, id and reasons (the reader's, the history checks',
    a duplicate id, or what the engine refused), and the closing line on standard
    error gives the counts, which add up. Exit status 1 when any record was
    rejected (2 for a usage error).
    """
    if output in ("jsonl", "table"):
        raise click.UsageError(
            f"--output is the file to write; for the format use --output-format {output}"
        )
    plan = plan_for(pack_name)
    tz = zone_of(tz, assume_tz)
    instant: dt.datetime | None = parse_instant(as_of, tz) if as_of else None
    counts = {"records": 0, "assessed": 0, "rejected": 0}

    def emit(write: Any) -> None:
        records: Any = orders_of(file, input_format, tz, **reading)
        if duplicates == "last":  # the last record of an id: read them all first
            records = list(records)
        stream = assess_stream(
            records, [plan.pack], as_of=instant, engine=engine, duplicates=duplicates
        )
        for entry in stream:
            counts["records"] += 1
            if isinstance(entry, Rejection):
                counts["rejected"] += 1
                click.echo(
                    json.dumps({"rejected": entry.model_dump(mode="json")}, ensure_ascii=False),
                    file=sys.stderr,
                )
                continue
            counts["assessed"] += 1
            (assessment,) = entry.assessments
            if output_format == "jsonl":
                write(assessment.model_dump_json() + "\n")
            else:
                write("\n".join(_table(assessment)) + "\n")

    if output is None:
        emit(lambda text: click.echo(text, nl=False))
    else:
        with atomic_file(output) as handle:
            emit(handle.write)
            if output_format == "jsonl":  # a cut-off file cannot end with this line
                summary = {"summary": {**counts, "pack": plan.key, "complete": True}}
                handle.write(json.dumps(summary, ensure_ascii=False) + "\n")
        click.echo(f"wrote {output}", err=True)
    click.echo(
        f"{counts['records']} records: {counts['assessed']} assessed, "
        f"{counts['rejected']} rejected",
        err=True,
    )
    if counts["rejected"]:
        raise SystemExit(REJECTED_EXIT)
