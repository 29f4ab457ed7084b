"""``grievance-rules packs``: list, show, validate and compare policy packs."""

from __future__ import annotations

import datetime as dt

import click

from grievance_rules.cli._language import N_, Choice, argument, group, option
from grievance_rules.cli._options import DATE, writable_file
from grievance_rules.cli._output import write_text
from grievance_rules.errors import PackError
from grievance_rules.i18n import current_language, ngettext, pgettext
from grievance_rules.i18n import gettext as _
from grievance_rules.packs import Pack, available_packs, find_pack, load_pack
from grievance_rules.packs.checks import late_parameter_notes, late_parameters, pack_flags
from grievance_rules.packs.schema import ClockRule, DeductionRule, WindowRule
from grievance_rules.text_width import pad

_TRIAL_ORDERS = 40
"""How many synthetic orders ``packs validate`` assesses under the pack."""

__all__ = ["packs_group"]


def _in_chinese(value: str, names: dict[str, str]) -> str:
    """``value`` as written in English; its Chinese name in Chinese (when it has one)."""
    return names.get(value, value) if current_language() == "zh" else value


def _origin(origin: str) -> str:
    return _in_chinese(origin, {"builtin": _("built-in"), "path": _("directory")})


def _rule_kind(kind: str) -> str:
    from grievance_rules.reports.formatting import kind_of_finding_label

    if current_language() != "zh":
        return kind
    named = {
        "record": _("record"),
        "period": pgettext("pack README", "periodic report"),
        "ranking": pgettext("pack README", "ranking"),
    }
    return named.get(kind) or kind_of_finding_label(kind)


@group("packs")
def packs_group() -> None:
    """Policy packs: the built-in ones, installed ones, or a directory."""


@packs_group.command("list")
def list_packs() -> None:
    """Every pack that can be found by name."""
    for location in available_packs():
        pack = load_pack(location.directory, origin=location.origin)
        click.echo(
            ngettext(
                "{id:<12} {revision:<12} {rules:>3} rule   {origin} {name}",
                "{id:<12} {revision:<12} {rules:>3} rules  {origin} {name}",
                len(pack.rules),
            ).format(
                id=pack.id,
                revision=pack.revision,
                rules=len(pack.rules),
                origin=pad(_origin(location.origin), 10),
                name=pack.manifest.name,
            )
        )


@packs_group.command("show")
@argument("pack")
def show(pack: str) -> None:
    """The manifest and every rule of PACK (a name or a directory), with citations."""
    loaded = find_pack(pack)
    m = loaded.manifest
    click.echo(f"{m.id} {m.revision}: {m.name}")
    click.echo(
        _("jurisdiction: {jurisdiction}; effective from {date}").format(
            jurisdiction=m.jurisdiction, date=m.effective_from
        )
    )
    for source in m.sources:
        click.echo(
            _("source: {file} {title} {number}")
            .format(file=source.file, title=source.title, number=source.number or "")
            .rstrip()
        )
    hours = m.calendar.office_hours or _("none")
    click.echo(
        _("calendar: office hours {hours} ({basis}); half day: {half_day}").format(
            hours=hours,
            basis=_in_chinese(
                m.calendar.basis, {"cited": _("cited"), "assumption": _("assumption")}
            ),
            half_day=_in_chinese(
                m.calendar.half_day,
                {
                    "half_minutes": _("half the day's working minutes"),
                    "noon_cutoff": _("the morning or the afternoon session"),
                },
            ),
        )
    )
    id_width = max((len(rule.id) for rule in loaded.rules), default=0)  # ids line up
    for rule in loaded.rules:
        detail = ""
        if isinstance(rule, ClockRule | WindowRule):
            detail = f" [{rule.duration or rule.due_field}]"  # type: ignore[union-attr]
        elif isinstance(rule, DeductionRule):
            detail = f" [{rule.points}]"
        kind = pad(_rule_kind(rule.kind), 10)
        click.echo(f"  {rule.id:<{id_width}} {kind} {rule.title}{detail}")
        click.echo(f"  {'':<{id_width}} {rule.citation.clause}: 「{rule.citation.text}」")
    for flag in pack_flags(loaded.rules, loaded.parameters, loaded.manifest):  # in the language
        click.echo(_("flag: {flag}").format(flag=flag))


@packs_group.command("readme")
@argument("pack")
@option(
    "--write",
    is_flag=True,
    help=N_("Write README.md (简体中文) and README.en.md (English) in the pack directory."),
)
def readme(pack: str, write: bool) -> None:
    """Render PACK's README from its data (clause table, interpretations, limitations).

    Without --write, prints the README in the language chosen (--lang).
    """
    from grievance_rules.i18n import current_language
    from grievance_rules.packs.readme import README_FILES, render_readme

    loaded = find_pack(pack)
    if write:
        for lang, name in README_FILES.items():
            (loaded.directory / name).write_text(render_readme(loaded, lang), encoding="utf-8")
            click.echo(_("wrote {file}").format(file=loaded.directory / name))
    else:
        click.echo(render_readme(loaded, current_language()), nl=False)


def assess_trial(pack: Pack) -> None:
    """Assess a month of synthetic orders under ``pack`` and score them, as a use would.

    Loading checks what a pack says; this checks that the engine can use it (the pack's
    key as a rule-engine namespace, its calendar, every rule compiled and run).

    Raises:
        PackError: an order could not be assessed or scored; the message gives the
            first reason.
    """
    from grievance_rules.samples import generate_orders
    from grievance_rules.scoring import score

    first, last = dt.date(2004, 1, 1), dt.date(2059, 11, 1)  # the samples' range
    start = min(max(pack.manifest.effective_from, first), last)
    orders = generate_orders(_TRIAL_ORDERS, seed=1, start=start, months=1)
    try:
        card = score(orders, pack)
    except Exception as exc:  # anything evaluation would raise refuses the pack
        raise PackError(
            _("pack {pack}: loads, but cannot assess an order: {problem}").format(
                pack=pack.id, problem=f"{type(exc).__name__}: {exc}"
            )
        ) from None
    if card.rejected:
        rejection = card.rejections[0]
        raise PackError(
            ngettext(
                "pack {pack}: loads, but {rejected} of {inputs} synthetic orders was "
                "rejected: {reasons}",
                "pack {pack}: loads, but {rejected} of {inputs} synthetic orders were "
                "rejected; the first: {reasons}",
                card.rejected,
            ).format(
                pack=pack.id,
                rejected=card.rejected,
                inputs=card.inputs,
                reasons=_("; ").join(rejection.reasons),
            )
        )


@packs_group.command("validate")
@argument("pack")
@option("--strict", is_flag=True, help=N_("Refuse the pack when anything is flagged."))
def validate(pack: str, strict: bool) -> None:
    """Load PACK, assess synthetic orders under it, and report problems.

    Exit 2 when it is refused: it does not load, or the engine cannot assess an
    order under it (a month of synthetic orders from its effective date is assessed
    and scored).
    """
    loaded = find_pack(pack, strict=strict)
    assess_trial(loaded)
    for flag in pack_flags(loaded.rules, loaded.parameters, loaded.manifest):  # in the language
        click.echo(_("flag: {flag}").format(flag=flag))
    late = late_parameters(loaded.rules, loaded.parameters, loaded.manifest)
    for note in late_parameter_notes(late, loaded.manifest.parameters_file):
        click.echo(_("note: {note}").format(note=note))
    rules, parameters, flags = len(loaded.rules), len(loaded.parameters), len(loaded.flags)
    click.echo(
        _("{id} {revision}: valid, {rules}, {parameters}, {flags}").format(
            id=loaded.id,
            revision=loaded.revision,
            rules=ngettext("{rules} rule", "{rules} rules", rules).format(rules=rules),
            parameters=ngettext(
                "{parameters} parameter", "{parameters} parameters", parameters
            ).format(parameters=parameters),
            flags=ngettext("{flags} flag", "{flags} flags", flags).format(flags=flags),
        )
    )


@packs_group.command("diff")
@argument("packs", nargs=-1, required=True)
@option(
    "--on",
    "on",
    type=DATE,
    help=N_(
        "Compare the parameter values in force on this date (default: each pack's "
        "effective_from, or the first date after it on which every parameter its rules "
        "read has a value; the pack's column says so)."
    ),
)
@option(
    "--output-format",
    "--format",
    "output_format",
    type=Choice(["markdown", "csv", "json"]),
    default="markdown",
    show_default=True,
    help=N_("What to write (--format is the same option: this command reads no orders)."),
)
@option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    callback=writable_file,
    help=N_("Write to this file instead of standard output."),
)
def diff(
    packs: tuple[str, ...], on: dt.date | None, output_format: str, output: str | None
) -> None:
    """Compare two or more PACKS side by side, rules matched by kind and topic.

    Without orders: each pack's time limits, windows, points and triggers, with
    the clause each rule cites.
    """
    from grievance_rules.packs.diff import diff_packs
    from grievance_rules.reports.pack_diff import pack_diff_csv, pack_diff_markdown

    if len(packs) < 2:
        raise click.UsageError(_("packs diff needs at least two packs"))
    loaded = [find_pack(name) for name in packs]
    result = diff_packs(*loaded, on=on)
    if output_format == "markdown":
        text = pack_diff_markdown(result)
    elif output_format == "csv":
        text = pack_diff_csv(result)
    else:
        text = result.model_dump_json(indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    write_text(output, text)  # the file appears only when complete
    click.echo(_("wrote {file}").format(file=output), err=True)
