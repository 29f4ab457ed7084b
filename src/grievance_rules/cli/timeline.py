"""``grievance-rules timeline``: replay one order event by event."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from grievance_rules.cli._options import pack_options, parse_instant
from grievance_rules.cli._reading import file_options, orders_of, tz_option, zone_of
from grievance_rules.operations import timeline
from grievance_rules.packs import find_pack
from grievance_rules.reading import Accepted

__all__ = ["timeline_command"]


@click.command("timeline")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@pack_options
@click.option("--order", "order_id", required=True, help="The id of the order to replay.")
@click.option("--until", help="Replay light changes up to this instant after the last event.")
@click.option("--format", "input_format", help="json, jsonl, csv or xlsx (default: from FILE).")
@tz_option("Zone for naive timestamps in FILE and --until.")
@file_options
@click.option("--output", type=click.Choice(["jsonl", "table"]), default="table", show_default=True)
def timeline_command(
    file: str,
    pack_name: str | Path,
    order_id: str,
    until: str | None,
    input_format: str | None,
    tz: str | None,
    output: str,
    assume_tz: str | None = None,
    **reading: Any,
) -> None:
    """Replay order ORDER of FILE: its clocks and findings after each event.

    Steps are the receipt, each event, and each instant between events at which a
    running clock turned yellow or red. jsonl gives one object per step:
    ``{"at", "cause", "event", "what", "assessment"}``, the assessment exactly as
    ``grievance-rules evaluate --as-of <at>`` prints it.
    """
    pack = find_pack(pack_name)
    tz = zone_of(tz, assume_tz)
    end = parse_instant(until, tz) if until else None
    found = None
    for result in orders_of(file, input_format, tz, **reading):
        if isinstance(result, Accepted) and result.order.id == order_id:
            found = result.order
            break
        if not isinstance(result, Accepted) and result.order_id == order_id:
            click.echo(
                json.dumps({"rejected": result.to_dict()}, ensure_ascii=False), file=sys.stderr
            )
            raise click.ClickException(f"order {order_id} in {file} is not a valid order")
    if found is None:
        raise click.ClickException(f"no order {order_id} in {file}")
    for step in timeline(found, pack, end):
        if output == "jsonl":
            head = step.model_dump_json(exclude={"assessment"})
            click.echo(head[:-1] + ',"assessment":' + step.assessment.model_dump_json() + "}")
            continue
        lights = ", ".join(
            f"{c.rule_id}#{c.occurrence} {c.state}"
            + (f" [{c.warning_level}]" if c.warning_level else "")
            for c in step.assessment.clocks
        )
        points = step.assessment.points
        click.echo(f"{step.at.isoformat():<32} {step.what:<40} {points:+g}  {lights}")
