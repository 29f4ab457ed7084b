"""The ``grievance-rules`` command line.

Each command group lives in its own module and is registered here.
"""

from __future__ import annotations

import click

from grievance_rules import __version__
from grievance_rules.cli._language import (
    N_,
    TranslatedOption,
    group,
    lang_option,
    translate_click,
)
from grievance_rules.cli.calendar import calendar_group
from grievance_rules.cli.convert import convert_command
from grievance_rules.cli.demo import demo_command
from grievance_rules.cli.evaluate import evaluate_command
from grievance_rules.cli.packs import packs_group
from grievance_rules.cli.packtest import pack_test_command
from grievance_rules.cli.read import read_command
from grievance_rules.cli.sample import sample_command
from grievance_rules.cli.schema import schema_command
from grievance_rules.cli.scoring import compare_command, score_command, what_if_command
from grievance_rules.cli.serve import serve_command
from grievance_rules.cli.timeline import timeline_command
from grievance_rules.cli.watch import watch_command
from grievance_rules.errors import GrievanceRulesError
from grievance_rules.i18n import gettext as _
from grievance_rules.reading.problems import zone_option_named

__all__ = ["cli", "main"]


@group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__,
    prog_name="grievance-rules",
    cls=TranslatedOption,
    help=N_("Show the version and exit."),  # translated when shown, not when imported
)
@lang_option
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Executable rules for 12345 citizen-hotline work orders.

    Messages, tables and reports are in 简体中文 or English: --lang zh|en, or the
    environment variable GRIEVANCE_RULES_LANG, else the locale.
    """
    # a naive timestamp's problem names the option that gives it a zone here: --tz
    ctx.with_resource(zone_option_named("--tz"))


translate_click()


cli.add_command(calendar_group)
cli.add_command(demo_command)
cli.add_command(schema_command)
cli.add_command(read_command)
cli.add_command(packs_group)
cli.add_command(evaluate_command)
cli.add_command(pack_test_command)
cli.add_command(sample_command)
cli.add_command(convert_command)
cli.add_command(score_command)
cli.add_command(compare_command)
cli.add_command(what_if_command)
cli.add_command(watch_command)
cli.add_command(timeline_command)
cli.add_command(serve_command)


def main() -> None:
    """Entry point of the console script: library errors become one clear line, exit 2."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        raise SystemExit(130) from None
    except click.ClickException as exc:
        exc.show()
        raise SystemExit(exc.exit_code) from None
    except GrievanceRulesError as exc:
        click.echo(_("error: {message}").format(message=exc), err=True)
        raise SystemExit(2) from None
    except OSError as exc:  # a file that cannot be written (a folder, none to write in, full)
        if exc.filename is None:
            raise
        # (a temporary file renamed to its target: the target is the second name)
        file = exc.filename2 if exc.filename2 is not None else exc.filename
        click.echo(_("error: {file}: {problem}").format(file=file, problem=exc.strerror), err=True)
        raise SystemExit(2) from None
