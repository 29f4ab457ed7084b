"""``grievance-rules schema``: print the JSON Schema of a work order."""

from __future__ import annotations

import json

import click

from grievance_rules.cli._language import N_, Choice, command, option
from grievance_rules.model import work_order_schema

__all__ = ["schema_command"]


@command("schema")
@option(
    "--mode",
    type=Choice(["validation", "serialization"]),
    default="validation",
    show_default=True,
    help=N_("What is accepted (validation) or what to_fact() writes (serialization)."),
)
def schema_command(mode: str) -> None:
    """Print the JSON Schema of a work order (工单) and its events."""
    schema = work_order_schema("serialization" if mode == "serialization" else "validation")
    click.echo(json.dumps(schema, ensure_ascii=False, indent=2))
