"""``grievance-rules demo``: the main job on embedded sample data.

Generates a month of synthetic orders of one street (the seeded generator of
:mod:`grievance_rules.samples.generator`: no real data is shipped), assesses
every order under the three built-in packs and prints what a person wants to
see first: each pack's deadlines, points and escalations; where the packs
disagree on the same orders; each community's score under each pack; one order
explained with the clauses of both sides. It writes the full comparison as a
self-contained HTML report (and Markdown beside it) and says where.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import click

from grievance_rules.cli._language import N_, command, option
from grievance_rules.cli._output import write_text
from grievance_rules.i18n import current_language, ngettext
from grievance_rules.i18n import gettext as _
from grievance_rules.packs import find_pack
from grievance_rules.packs.diff import diff_packs
from grievance_rules.reports.formatting import (
    kind_of_finding_label,
    outcome_text,
    topic_label,
)
from grievance_rules.reports.traces import trace_text
from grievance_rules.scoring import Comparison, Divergence, OrderComparison, compare
from grievance_rules.text_width import display_width, pad

__all__ = ["demo_command"]

PACKS = ("chengdong", "xiayang", "daye")
MONTH = dt.date(2024, 5, 1)


def _short(pack_key: str) -> str:
    return pack_key.split("@")[0]


def _kind(kind: str) -> str:
    """A kind of finding: ``clock`` as written in English, ``时限`` in Chinese."""
    return kind_of_finding_label(kind) if current_language() == "zh" else kind


def _topic(topic: str) -> str:
    """A topic: ``reply`` as written in English, ``回复`` in Chinese."""
    return topic_label(topic) if current_language() == "zh" else topic


def _outcome_lines(result: Comparison) -> list[str]:
    names = (
        _("pack"),
        _("orders"),
        _("excluded"),
        _("met"),
        _("breached"),
        _("running"),
        _("late acts"),
        _("deductions"),
        _("points"),
        _("escalations"),
    )
    widths = (-10, 7, 12, 6, 9, 8, 10, 11, 8, 12)
    head = "  " + "".join(
        pad(name, -width) if width < 0 else pad(name, width, align=">")
        for name, width in zip(names, widths, strict=True)
    )
    lines = [head]
    # (orders: assessed under the pack; excluded: from assessment, the pack's own rule:
    # the two and the rejected make the inputs)
    for o, card in zip(result.outcomes, result.scorecards, strict=True):
        lines.append(
            f"  {_short(o.pack):<10}{o.orders:>7}{card.excluded:>12}{o.clocks.get('met', 0):>6}"
            f"{o.clocks.get('breached', 0):>9}"
            f"{o.clocks.get('running', 0) + o.clocks.get('paused', 0):>8}"
            f"{o.windows.get('late', 0):>10}{o.deductions:>11}{o.points:>8g}{o.escalations:>12}"
        )
    return lines


def _disagreements(result: Comparison, limit: int) -> tuple[list[str], dict[str, int]]:
    """Patterns where packs judged the same topic differently; and topics not all packs judge."""
    lines: list[str] = []
    alone: dict[str, int] = {}
    for pattern in result.divergences:
        present = [p for p in pattern.pattern if p != "—"]
        if len(set(present)) < 2:  # the packs that judged agree; the others have no rule
            judged = "+".join(
                _short(pack)
                for pack, outcome in zip(result.packs, pattern.pattern, strict=True)
                if outcome != "—"
            )
            key = f"{_topic(pattern.topic)} ({judged})"
            alone[key] = alone.get(key, 0) + pattern.orders
            continue
        if len(lines) < limit:
            sides = " | ".join(
                f"{_short(pack)} {outcome_text(outcome)}"
                for pack, outcome in zip(result.packs, pattern.pattern, strict=True)
            )
            lines.append(
                ngettext(
                    "  {orders:>4} order   {kind} {topic} {sides}   (e.g. {example})",
                    "  {orders:>4} orders  {kind} {topic} {sides}   (e.g. {example})",
                    pattern.orders,
                ).format(
                    orders=pattern.orders,
                    kind=pad(_kind(pattern.kind), 10),
                    topic=pad(_topic(pattern.topic), 20),
                    sides=sides,
                    example=pattern.examples[0],
                )
            )
    return lines, alone


def _unit_lines(result: Comparison, names: dict[str, str], limit: int) -> list[str]:
    first = result.scorecards[0]
    rows = sorted(
        (r for r in first.rows if r.unit_kind == "village_community"),
        key=lambda r: (r.score, r.unit),
    )
    by_pack = {
        (card.pack, row.unit, row.period): row for card in result.scorecards for row in card.rows
    }
    others = result.scorecards[1:]
    name_width = max([10, *(display_width(names.get(row.unit, "")) + 2 for row in rows[:limit])])
    labels = [f"{_short(card.pack)} {_('on-time completion rate')}" for card in others]
    widths = [max(24, display_width(label) + 2) for label in labels]
    lines = [
        "  "
        + pad(_("unit"), 6)
        + pad(_("name"), name_width)
        + pad(_short(first.pack) + " " + _("score"), 16, align=">")
        + pad(_("rank"), 7, align=">")
        + "".join(pad(label, width, align=">") for label, width in zip(labels, widths, strict=True))
    ]
    for row in rows[:limit]:
        cells = []
        for card in others:
            other = by_pack.get((card.pack, row.unit, row.period))
            rate = other.rates["on_time_completion"] if other else None
            cells.append(
                f"{rate.value:.0%} ({rate.numerator:g}/{rate.denominator})"
                if rate is not None and rate.value is not None
                else _("n/a")
            )
        lines.append(
            f"  {row.unit:<6}{pad(names.get(row.unit, ''), name_width)}{row.score:>16g}"
            f"{f'{row.rank}/{row.peers}':>7}"
            + "".join(
                pad(cell, width, align=">") for cell, width in zip(cells, widths, strict=True)
            )
        )
    return lines


def _explained(
    example: OrderComparison, divergence: Divergence, names: dict[str, str]
) -> list[str]:
    lines = [
        _("order {order}, {kind} on {topic}:").format(
            order=example.order_id, kind=_kind(divergence.kind), topic=_topic(divergence.topic)
        )
    ]
    for side in divergence.sides:
        lines.append(f"  {_short(side.pack):<10} {outcome_text(side.outcome)}")
        for rule_id, citation in zip(side.rule_ids, side.citations, strict=True):
            lines.append(f"    {rule_id}: {citation.clause}「{citation.text[:60]}」")
        for detail in side.details[:2]:
            lines.append(f"    {trace_text(detail, unit_names=names)}")
    return lines


def _pick_example(examples: Iterable[OrderComparison]) -> tuple[OrderComparison, Divergence]:
    fallback = None
    for example in examples:
        for divergence in example.divergences:
            present = {s.outcome for s in divergence.sides if s.outcome != "—"}
            if divergence.kind == "clock" and divergence.topic == "reply" and len(present) > 1:
                return example, divergence
            fallback = fallback or (example, divergence)
    if fallback is None:
        raise click.ClickException(_("the sample orders show no divergence to explain"))
    return fallback


@command("demo")
@option(
    "--orders",
    "count",
    type=click.IntRange(min=1),
    default=400,
    show_default=True,
    help=N_("How many sample orders (received over one month)."),
)
@option("--seed", type=int, default=2024, show_default=True, help=N_("The generator's seed."))
@option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False),
    default="grievance-rules-demo.html",
    show_default=True,
    help=N_("Where to write the HTML report (Markdown is written beside it)."),
)
def demo_command(count: int, seed: int, html_path: str) -> None:
    """Assess a month of sample orders under all three packs, compare, and write a report."""
    from grievance_rules import reports
    from grievance_rules.samples.generator import generate_orders

    packs = [find_pack(name) for name in PACKS]
    orders = list(generate_orders(count, seed=seed, start=MONTH, months=1))
    names = {u.id: u.name or "" for order in orders for u in order.units}
    click.echo(
        ngettext(
            "{count} sample order of one street received in {month} (synthetic, seed {seed}), "
            "assessed as of its last event under {packs}.",
            "{count} sample orders of one street received in {month} (synthetic, seed {seed}), "
            "each assessed as of its last event under {packs}.",
            len(orders),
        ).format(
            count=len(orders),
            month=_("{month:%B %Y}").format(month=MONTH),
            seed=seed,
            packs=_(", ").join(f"{p.id} ({p.manifest.jurisdiction})" for p in packs),
        )
        + "\n"
    )
    result = compare(orders, packs, period="year", examples=50)
    click.echo(
        _(
            "What each pack finds in the same orders (clocks: deadlines; late acts: returns"
            " after their window):"
        )
    )
    click.echo("\n".join(_outcome_lines(result)))
    lines, alone = _disagreements(result, limit=10)
    click.echo(
        "\n"
        + ngettext(
            "Where the packs disagree: {diverging} of {assessed} differs somewhere. "
            "Topics on which two or more packs judged and differed:",
            "Where the packs disagree: {diverging} of {assessed} differ somewhere. "
            "Topics on which two or more packs judged and differed:",
            result.orders_diverging,
        ).format(
            diverging=result.orders_diverging,
            assessed=ngettext("{assessed} order", "{assessed} orders", result.assessed).format(
                assessed=result.assessed
            ),
        )
    )
    click.echo("\n".join(lines) or "  " + _("none"))
    top_alone = sorted(alone.items(), key=lambda kv: -kv[1])[:6]
    click.echo(
        _("Topics not every pack judges (the packs that do agree), in orders: {topics}").format(
            topics=_(", ").join(f"{topic} {n}" for topic, n in top_alone)
        )
    )
    click.echo(
        "\n"
        + _(
            "The five lowest communities under chengdong (the only pack that sets points; "
            "all points of these orders, whenever they fell), and their on-time completion "
            "under the other packs' time limits:"
        )
    )
    click.echo("\n".join(_unit_lines(result, names, limit=5)))
    example, divergence = _pick_example(result.examples)
    click.echo("\n" + _("One disagreement explained, with the clause each pack applies:"))
    click.echo("\n".join(_explained(example, divergence, names)))
    html = Path(html_path)
    html.parent.mkdir(parents=True, exist_ok=True)
    markdown = html.with_suffix(".md")
    write_text(html, reports.comparison_html(result, pack_diff=diff_packs(*packs)))
    write_text(markdown, reports.comparison_markdown(result))
    click.echo(
        "\n"
        + _(
            "The full report (charts, every unit, every divergence with citations; no network "
            "needed): {html}\nThe same as Markdown: {markdown}"
        ).format(html=html.resolve(), markdown=markdown.resolve())
    )
    click.echo(
        "\n"
        + _("Next: {commands}").format(
            commands="grievance-rules sample --orders 5000 --seed 1 --output orders.jsonl; "
            "grievance-rules compare --packs chengdong,xiayang,daye orders.jsonl --html "
            "report.html; grievance-rules packs diff chengdong daye; grievance-rules evaluate "
            "--pack chengdong --output-format table orders.jsonl"
        )
    )
