"""``grievance-rules evaluate``: assess every order of a file under a pack."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click

from grievance_rules.cli._options import ENGINE_OPTION, pack_options, parse_instant
from grievance_rules.cli._reading import file_options, orders_of, tz_option, zone_of
from grievance_rules.engine import Assessment, EngineName, evaluate, plan_for
from grievance_rules.reading import Accepted

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
@click.option("--output", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True)
@ENGINE_OPTION
def evaluate_command(
    file: str,
    pack_name: str | Path,
    as_of: str | None,
    input_format: str | None,
    tz: str | None,
    output: str,
    engine: EngineName = "native",
    assume_tz: str | None = None,
    **reading: Any,
) -> None:
    """Assess every order in FILE under a pack: one JSON assessment per line, or a table.

    Rejected records go to standard error with their reasons; the closing line
    on standard error gives the counts, which add up.
    """
    plan = plan_for(pack_name)
    tz = zone_of(tz, assume_tz)
    instant: dt.datetime | None = parse_instant(as_of, tz) if as_of else None
    assessed = rejected = records = 0
    for result in orders_of(file, input_format, tz, **reading):
        records += 1
        if isinstance(result, Accepted):
            assessment = evaluate(result.order, plan, instant, engine=engine)
            assessed += 1
            if output == "jsonl":
                click.echo(assessment.model_dump_json())
            else:
                click.echo("\n".join(_table(assessment)))
        else:
            rejected += 1
            click.echo(
                json.dumps({"rejected": result.to_dict()}, ensure_ascii=False), file=sys.stderr
            )
    click.echo(f"{records} records: {assessed} assessed, {rejected} rejected", err=True)
