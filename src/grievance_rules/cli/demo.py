"""``grievance-rules demo``: the main job on embedded sample data.

Reads the sample orders shipped with the package (``grievance_rules/samples``),
evaluates each under the three built-in packs, and prints what a person wants
to see first: per order, each pack's breached deadlines, points and
escalations side by side; then the points per unit under each pack; then one
deadline explained day by day.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources

import click

from grievance_rules.calendar import SHANGHAI
from grievance_rules.engine import Assessment, evaluate
from grievance_rules.packs import find_pack
from grievance_rules.reading import Accepted, iter_orders

__all__ = ["demo_command"]

PACKS = ("chengdong", "xiayang", "daye")
AS_OF = dt.datetime(2026, 4, 30, 18, 0, tzinfo=SHANGHAI)


def _summary(assessment: Assessment) -> list[str]:
    lines = []
    breached = [c for c in assessment.clocks if c.state == "breached"]
    for clock in breached:
        lines.append(f"late   {clock.rule_id} (due {clock.due:%m-%d %H:%M})")
    for window in assessment.windows:
        if window.state == "late":
            lines.append(f"late   {window.rule_id} (closed {window.closes_at:%m-%d %H:%M})")
    for deduction in assessment.deductions:
        lines.append(f"{deduction.points:+g}    {deduction.rule_id} → {deduction.unit}")
    for escalation in assessment.escalations:
        lines.append(f"act    {escalation.rule_id}: {escalation.action}")
    return lines or ["nothing due, breached or deducted"]


@click.command("demo")
def demo_command() -> None:
    """Evaluate the embedded sample orders under all three packs and compare."""
    sample = resources.files("grievance_rules") / "samples" / "orders.jsonl"
    with resources.as_file(sample) as path:
        orders = [r.order for r in iter_orders(path) if isinstance(r, Accepted)]
    packs = [find_pack(name) for name in PACKS]
    click.echo(
        f"{len(orders)} sample orders, evaluated as of {AS_OF.isoformat()} under "
        + ", ".join(f"{p.id} ({p.manifest.jurisdiction})" for p in packs)
        + "\n"
    )
    totals: dict[str, dict[str, float]] = {p.id: {} for p in packs}
    assessments = {}
    for order in orders:
        click.echo(f"== {order.id}: {order.summary or ''}")
        for pack in packs:
            assessment = assessments[order.id, pack.id] = evaluate(order, pack, AS_OF)
            for unit, points in assessment.points_by_unit().items():
                key = unit or "-"
                totals[pack.id][key] = totals[pack.id].get(key, 0.0) + points
            lines = _summary(assessment)
            click.echo(f"  {pack.id:<10} {lines[0]}")
            for line in lines[1:]:
                click.echo(f"  {'':<10} {line}")
        click.echo()
    click.echo("points per unit under each pack (xiayang's document sets no points):")
    units = sorted({u for by_unit in totals.values() for u in by_unit})
    click.echo("  " + f"{'unit':<8}" + "".join(f"{p.id:>12}" for p in packs))
    for unit in units:
        row = "".join(f"{totals[p.id].get(unit, 0.0):>12g}" for p in packs)
        click.echo(f"  {unit:<8}{row}")
    first = assessments[orders[0].id, packs[0].id].clocks
    if first:
        click.echo(f"\nhow {first[0].rule_id} was computed for {orders[0].id}:")
        for step in first[0].trace:
            click.echo(f"  {step}")
        for day in first[0].skipped_days:
            click.echo(f"  skipped {day}")
    click.echo(
        "\nNext: grievance-rules evaluate --pack chengdong --output table FILE; "
        "grievance-rules packs show daye; grievance-rules calendar explain "
        "2026-02-13T15:00+08:00 '2 working days'"
    )
