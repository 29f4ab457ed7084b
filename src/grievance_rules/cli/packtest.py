"""``grievance-rules test PACK_DIR``: run a pack's scenarios, report rule coverage."""

from __future__ import annotations

import click

from grievance_rules.cli._language import N_, argument, command, option
from grievance_rules.i18n import gettext as _
from grievance_rules.testing.scenarios import Coverage, pack_coverage

__all__ = ["coverage_lines", "pack_test_command"]


def coverage_lines(coverage: Coverage) -> list[str]:
    """The coverage part of the report: rules not exercised, time limits seen on one side."""
    lines: list[str] = []
    if coverage.unexercised:
        lines.append(
            _("rules no scenario exercised ({count}):").format(count=len(coverage.unexercised))
        )
        width = max(len(rule) for rule in coverage.unexercised)
        lines += [
            f"  {rule.ljust(width)}  {coverage.titles.get(rule, '')}".rstrip()
            for rule in coverage.unexercised
        ]
    if coverage.one_sided:
        lines.append(
            _("time limits without a case on each side of the boundary ({count}):").format(
                count=len(coverage.one_sided)
            )
        )
        lines += [f"  {entry}" for entry in coverage.one_sided]
    if not coverage.titles:
        lines.append(_("coverage: the pack has no rules; nothing was exercised"))
    elif coverage.complete and coverage.failed:
        lines.append(
            _(
                "coverage, counting the passing cases only: every rule exercised; every time "
                "limit seen on both sides"
            )
        )
    elif coverage.complete:
        lines.append(_("coverage: every rule exercised; every time limit seen on both sides"))
    return lines


@command("test")
@argument("pack_dir", type=click.Path(exists=True, file_okay=False))
@option(
    "--strict",
    is_flag=True,
    help=N_("Exit 1 also when a rule is not exercised or a time limit lacks a side."),
)
def pack_test_command(pack_dir: str, strict: bool) -> None:
    """Run the scenarios of PACK_DIR without writing Python; exit 1 if any fails.

    Also lists the rules no passing scenario exercised and the time limits
    (clocks, windows) that lack a passing case on each side of the boundary:
    met and breached, within and late. Exit 2: the pack or a scenario file is
    refused (the message says where).
    """
    coverage = pack_coverage(pack_dir)
    for result in coverage.results:
        mark = _("ok  ") if result.passed else _("FAIL")
        click.echo(
            _("{mark} {file}: {name}").format(
                mark=mark, file=result.case.file.name, name=result.case.shown_name
            )
        )
    for result in coverage.failed:
        click.echo("\n" + result.report())
    total = len(coverage.results)
    click.echo(
        "\n"
        + _("{passed} passed, {failed} failed").format(
            passed=total - len(coverage.failed), failed=len(coverage.failed)
        )
    )
    for line in coverage_lines(coverage):
        click.echo(line)
    if coverage.failed or (strict and not coverage.complete):
        raise SystemExit(1)
