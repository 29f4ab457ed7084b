"""The CLI's language: ``--lang zh|en``, and click's own messages in it.

``--lang`` (eager, on the ``grievance-rules`` group) calls
:func:`grievance_rules.i18n.use_language`; without it the language comes from
``GRIEVANCE_RULES_LANG`` and the locale. Click writes its own frame text (``Usage:``,
``Error: ...``, ``Invalid value for ...``) through the standard ``gettext``
module; :func:`translate_click` points those calls at this package's catalogue,
so a usage error reads in the chosen language too. The click messages translated
are listed below with :func:`N_` so that extraction finds them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import click

from grievance_rules.i18n import LANGUAGES, gettext, ngettext, use_language

__all__ = ["CLICK_MESSAGES", "N_", "lang_option", "translate_click"]


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark ``message`` for extraction without translating it here."""
    return message


CLICK_MESSAGES = (
    N_("Usage:"),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing parameter: {param_name}"),
    N_("No such option {name!r}."),
    N_("No such option: {name}"),
    N_("No such command {name!r}."),
    N_("Missing command."),
    N_("Aborted!"),
    N_("Options"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a file."),
    N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is not readable."),
    N_("Option {name!r} does not take a value."),
    N_("Could not open file {filename!r}: {message}"),
    N_("default: {default}"),
    N_("required"),
    N_("[OPTIONS]"),
    N_("COMMAND [ARGS]..."),
)
"""Click's own messages that the catalogue translates (click's msgids, verbatim)."""


def _mark_plurals() -> None:  # pragma: no cover - only read by extraction
    """Click's messages with a plural form, marked for extraction (never called)."""
    ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", 1)
    ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})", 1)
    ngettext(
        "Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments.", 1
    )
    ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", 1)


_CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
)
_installed = False
_USAGE_PIECES = frozenset({"[OPTIONS]", "COMMAND [ARGS]..."})


def _translated_pieces(collect: Callable[..., list[str]]) -> Callable[..., list[str]]:
    def pieces(self: click.Command, ctx: click.Context) -> list[str]:
        return [gettext(piece) if piece in _USAGE_PIECES else piece for piece in collect(self, ctx)]

    return pieces


def translate_click() -> None:
    """Route click's ``gettext``/``ngettext`` calls through this package's catalogue.

    In English the catalogue gives every message back unchanged, so click's text
    is exactly what it is without this; messages the catalogue lacks stay English.
    """
    global _installed
    if _installed:
        return
    for name in _CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
    for command_class in (click.Command, click.Group):  # the usage line's [OPTIONS]
        collect = command_class.__dict__.get("collect_usage_pieces")
        if collect is not None:
            command_class.collect_usage_pieces = _translated_pieces(collect)  # type: ignore[method-assign]
    _installed = True


def _choose(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    use_language(value)  # None: from the environment, whatever an earlier run chose
    return value


def lang_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--lang zh|en`` (eager: chosen before any other option is read)."""
    return click.option(
        "--lang",
        type=click.Choice(list(LANGUAGES)),
        is_eager=True,
        expose_value=False,
        callback=_choose,
        help="Language of messages, tables and reports: zh (简体中文) or en "
        "[default: $GRIEVANCE_RULES_LANG, else the locale].",
    )(func)
