"""``grievance-rules timeline``: replay one order event by event."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from grievance_rules.cli._dataset import input_repeats, repeats_option
from grievance_rules.cli._language import N_, Choice, argument, command, option
from grievance_rules.cli._options import pack_options, parse_instant, writable_file
from grievance_rules.cli._output import echo_rejection, write_text
from grievance_rules.cli._reading import (
    file_options,
    input_format_option,
    orders_of,
    refuse_format_as_output,
    tz_option,
    zone_of,
)
from grievance_rules.cli.evaluate import state_name as _state
from grievance_rules.i18n import current_language
from grievance_rules.i18n import gettext as _
from grievance_rules.model import EVENT_CLASSES
from grievance_rules.operations import timeline
from grievance_rules.packs import find_pack
from grievance_rules.reading import Accepted
from grievance_rules.scoring.stream import record_rejection
from grievance_rules.text_width import pad

__all__ = ["timeline_command"]

_FORMATS = ("table", "jsonl")


def _what(what: str) -> str:
    """A step of the replay in the current language: the receipt, an event, a light."""
    if what == "received":
        return _("received")
    kind = EVENT_CLASSES.get(what)
    if kind is not None:
        return kind.zh if current_language() == "zh" else what
    found = re.fullmatch(r"(\S+) turns (\w+)", what)
    if found:
        return _("{clock} turns {level}").format(clock=found[1], level=_state(found[2]))
    return what


@command("timeline")
@argument("file", type=click.Path(exists=True, dir_okay=False))
@pack_options
@option("--order", "order_id", required=True, help=N_("The id of the order to replay."))
@repeats_option
@option("--until", help=N_("Replay light changes up to this instant after the last event."))
@input_format_option
@tz_option(N_("Zone for naive timestamps in FILE and --until."))
@file_options
@option(
    "--output-format",
    "output_format",
    type=Choice(_FORMATS),
    default="table",
    show_default=True,
    help=N_("A table for people, or one JSON object per step."),
)
@option(
    "--output",
    "-o",
    "out_file",
    type=click.Path(dir_okay=False),
    callback=writable_file,
    help=N_("Write to this file (default: standard output); it appears only when complete."),
)
def timeline_command(
    file: str,
    pack_name: str | Path,
    order_id: str,
    until: str | None,
    input_format: str | None,
    tz: str | None,
    output_format: str,
    out_file: str | None,
    repeats: bool = True,
    assume_tz: str | None = None,
    **reading: Any,
) -> None:
    """Replay order ORDER of FILE: its clocks and findings after each event.

    Steps are the receipt, each event, and each instant between events at which a
    running clock turned yellow or red. The table gives each step's points and
    clocks, and under it the windows, points and escalations that step brought (a
    window again when its state changes); after it, each rule named with the clause
    it cites and the text quoted. jsonl gives one object per step:
    ``{"at", "cause", "event", "what", "assessment"}``, the assessment exactly as
    ``grievance-rules evaluate --as-of <at>`` prints it.
    """
    refuse_format_as_output(out_file, _FORMATS)
    pack = find_pack(pack_name)
    tz = zone_of(tz, assume_tz)
    end = parse_instant(until, tz, "--until") if until else None
    found = None
    for result in orders_of(file, input_format, tz, **reading):
        if isinstance(result, Accepted) and result.order.id == order_id:
            found = result.order
            break
        if not isinstance(result, Accepted) and result.order_id == order_id:
            echo_rejection(record_rejection(result), for_people=output_format == "table")
            raise click.ClickException(
                _("order {order} in {file} is not a valid order").format(order=order_id, file=file)
            )
    if found is None:
        raise click.ClickException(
            _("no order {order} in {file}").format(order=order_id, file=file)
        )
    index = input_repeats(
        [pack], lambda: orders_of(file, input_format, tz, **reading), "reject", repeats
    )
    names = {unit.id: unit.name or unit.id for unit in found.units}
    lines = []
    seen: set[tuple[object, ...]] = set()  # the findings shown at an earlier step
    cited: dict[str, Any] = {}  # each rule the table names, and the clause it cites
    for step in timeline(found, pack, end, repeats=index):
        if output_format == "jsonl":
            head = step.model_dump_json(exclude={"assessment"})
            lines.append(head[:-1] + ',"assessment":' + step.assessment.model_dump_json() + "}")
            continue
        for finding in (
            *step.assessment.clocks,
            *step.assessment.windows,
            *step.assessment.deductions,
            *step.assessment.escalations,
        ):
            cited.setdefault(finding.rule_id, finding.citation)
        lights = _(", ").join(
            f"{c.rule_id}#{c.occurrence}{_of_unit(names, c.unit)} {_state(c.state)}"
            + (f" [{_state(c.warning_level)}]" if c.warning_level else "")
            for c in step.assessment.clocks
        )
        points = step.assessment.points
        lines.append(f"{step.at.isoformat():<32} {pad(_what(step.what), 40)} {points:+g}  {lights}")
        lines.extend(f"{'':<32} {'':<40}     {line}" for line in _new_findings(step, names, seen))
    if cited:  # the table names rules by id: each with its source, clause and quoted text
        lines += ["", _("Rules cited:")]
        lines += [
            f"  {rule_id}: {citation.source} {citation.clause}「{citation.text}」"
            for rule_id, citation in sorted(cited.items())
        ]
    text = "".join(line + "\n" for line in lines)
    if out_file is None:
        click.echo(text, nl=False)
    else:
        write_text(out_file, text)
        click.echo(_("wrote {file}").format(file=out_file), err=True)


def _of_unit(names: dict[str, str], unit: str | None) -> str:
    """Whose clock it is, by name: ``（物业管理服务中心）`` / `` (物业管理服务中心)``."""
    if unit is None:
        return ""
    name = names.get(unit, unit)
    return f"（{name}）" if current_language() == "zh" else f" ({name})"


def _new_findings(step: Any, names: dict[str, str], seen: set[tuple[object, ...]]) -> list[str]:
    """The windows, deductions and escalations a step has that no earlier step had.

    A window is shown again when its state changes; the clocks are on the step's line.
    """
    assessment = step.assessment
    found: list[tuple[tuple[object, ...], str]] = []
    for window in assessment.windows:
        found.append(
            (
                ("window", window.rule_id, window.event, window.unit, window.state),
                _("window {rule}{unit} {state}").format(
                    rule=window.rule_id,
                    unit=_of_unit(names, window.unit),
                    state=_state(window.state),
                ),
            )
        )
    for deduction in assessment.deductions:
        found.append(
            (
                ("deduction", deduction.rule_id, deduction.unit, deduction.occurrence),
                _("points {rule}{unit} {points:+g}").format(
                    rule=deduction.rule_id,
                    unit=_of_unit(names, deduction.unit),
                    points=deduction.points,
                ),
            )
        )
    for escalation in assessment.escalations:
        found.append(
            (
                ("escalation", escalation.rule_id, escalation.target_unit, escalation.action),
                _("escalation {rule}{unit}: {action}").format(
                    rule=escalation.rule_id,
                    unit=_of_unit(names, escalation.target_unit),
                    action=escalation.action,
                ),
            )
        )
    shown = []
    for key, text in found:
        if key not in seen:
            seen.add(key)
            shown.append(text)
    return shown
