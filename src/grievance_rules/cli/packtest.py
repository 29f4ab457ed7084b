"""``grievance-rules test PACK_DIR``: run a pack's scenarios, report rule coverage."""

from __future__ import annotations

import click

from grievance_rules.testing.scenarios import pack_coverage

__all__ = ["pack_test_command"]


@click.command("test")
@click.argument("pack_dir", type=click.Path(exists=True, file_okay=False))
def pack_test_command(pack_dir: str) -> None:
    """Run the scenarios of PACK_DIR without writing Python; exit 1 if any fails.

    Also lists the rules no scenario exercised and the time limits that lack a
    case on each side of the boundary.
    """
    coverage = pack_coverage(pack_dir)
    for result in coverage.results:
        mark = "ok  " if result.passed else "FAIL"
        click.echo(f"{mark} {result.case.file.name}: {result.case.name}")
    for result in coverage.failed:
        click.echo("\n" + result.report())
    total = len(coverage.results)
    click.echo(f"\n{total - len(coverage.failed)} passed, {len(coverage.failed)} failed")
    if coverage.unexercised:
        click.echo(
            f"rules no scenario exercised ({len(coverage.unexercised)}): "
            + ", ".join(coverage.unexercised)
        )
    if coverage.one_sided:
        click.echo(
            f"time limits without a case on each side ({len(coverage.one_sided)}): "
            + "; ".join(coverage.one_sided)
        )
    if coverage.failed:
        raise SystemExit(1)
