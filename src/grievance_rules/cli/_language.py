r"""The CLI's language: ``--lang zh|en``, and click's own messages and help in it.

``--lang`` (eager, on the ``grievance-rules`` group) calls
:func:`grievance_rules.i18n.use_language`; without it the language comes from
``GRIEVANCE_RULES_LANG`` and the locale. Click writes its own frame text (``Usage:``,
``Error: ...``, ``Invalid value for ...``) through the standard ``gettext``
module; :func:`translate_click` points those calls at this package's catalogue,
so a usage error reads in the chosen language too. The click messages translated
are listed below with :func:`N_` so that extraction finds them.

The help texts are written in English in the code and translated when a help page
is written, not when the command is defined (the language is chosen later, when the
command line is read): every command is a :class:`TranslatedCommand` (or
:class:`TranslatedGroup`), every option a :class:`TranslatedOption`, made with
:func:`command`, :func:`group`, :func:`option` and :func:`argument`. Each asks
:func:`~grievance_rules.i18n.gettext` for its English text just before click uses
it. An option's help is marked with :func:`N_`; a command's help is its docstring,
which ``tools/catalogue.py`` extracts as the text click shows (``inspect.cleandoc``,
cut at a ``\f``). In Chinese, help is wrapped by display width (a Chinese
character takes two columns) and a command's short help in a command list is the
first sentence of its help.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import os
import re
from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any, Self, TypeVar

import click

from grievance_rules.i18n import (
    ENVIRONMENT_VARIABLE,
    LANGUAGES,
    N_,
    current_language,
    gettext,
    join_list,
    language_of,
    ngettext,
    use_language,
)
from grievance_rules.text_width import display_width, is_wide

__all__ = [
    "CLICK_MESSAGES",
    "N_",
    "Choice",
    "TranslatedArgument",
    "TranslatedCommand",
    "TranslatedGroup",
    "TranslatedOption",
    "argument",
    "command",
    "group",
    "help_msgid",
    "lang_option",
    "option",
    "translate_click",
]

F = TypeVar("F", bound=Callable[..., Any])


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
    exceptions = importlib.import_module("click.exceptions")
    english = getattr(exceptions, "_format_possibilities", None)
    if english is not None:  # "Did you mean …": its options listed as the language lists them
        exceptions._format_possibilities = _possibilities_in(english)  # type: ignore[attr-defined]
    for command_class in (click.Command, click.Group):  # the usage line's [OPTIONS]
        collect = command_class.__dict__.get("collect_usage_pieces")
        if collect is not None:
            command_class.collect_usage_pieces = _translated_pieces(collect)  # type: ignore[method-assign]
    _installed = True


def _possibilities_in(english: Callable[[list[str]], str]) -> Callable[[list[str]], str]:
    """Click's "Did you mean" suggestion; in Chinese its options are joined with 、.

    ``（是否想输入：'--pack'、'--pack-dir'？）`` (click joins them with ``, `` in every
    language). In English it is click's own, byte for byte.
    """

    def possibilities(found: list[str]) -> str:
        if current_language() == "en":
            return english(found)
        shown = join_list(repr(option) for option in sorted(found))
        return ngettext(
            "Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)", len(found)
        ).format(possibility=shown, possibilities=shown)

    return possibilities


class Choice(click.Choice[str]):
    """Click's ``Choice``; in Chinese its refusal lists the choices with 、.

    ``'doc' 不在可选值 'json'、'jsonl'、'csv'、'xlsx' 之中。`` (click joins them with
    ``, `` in every language). In English the message is click's own, byte for byte.
    Every choice option of the CLI is one of these.
    """

    def get_invalid_choice_message(self, value: Any, ctx: click.Context | None) -> str:
        """The message refusing ``value``, its list of choices as the language lists one."""
        if current_language() == "en":
            return super().get_invalid_choice_message(value, ctx)
        choices = join_list(repr(self.normalize_choice(choice, ctx)) for choice in self.choices)
        return ngettext(
            "{value!r} is not {choice}.", "{value!r} is not one of {choices}.", len(self.choices)
        ).format(value=value, choice=choices, choices=choices)


def _choose(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None and ctx.parent is not None:
        return value  # a subcommand without its own --lang: the group's choice stands
    use_language(value)  # None: from the environment, whatever an earlier run chose
    if value is None:
        _warn_unknown_environment_language()
    return value


def _warn_unknown_environment_language() -> None:
    """Say so when ``GRIEVANCE_RULES_LANG`` names no language of ours (it is passed over)."""
    raw = os.environ.get(ENVIRONMENT_VARIABLE, "")
    if raw and language_of(raw.split(":")[0]) is None:
        click.echo(
            gettext(
                "warning: {variable}={value} is not a language of this program "
                "({languages}); using {language}"
            ).format(
                variable=ENVIRONMENT_VARIABLE,
                value=raw,
                languages=join_list(LANGUAGES),
                language=current_language(),
            ),
            err=True,
        )


# --- help texts, translated when a help page is written ----------------------------


def help_msgid(text: str) -> str:
    """The catalogue's id of a help text: what click shows of it.

    Click shows a command's help (its docstring) with the indentation removed
    (``inspect.cleandoc``) and cut at the first form feed; ``tools/catalogue.py``
    extracts a docstring the same way. An option's help is already clean.
    """
    return inspect.cleandoc(text).partition("\f")[0]


def _translated(text: str | None) -> str | None:
    """``text`` in the current language, or ``None`` when that is the text itself."""
    if not text:
        return None
    msgid = help_msgid(text)
    translation = gettext(msgid)
    return None if translation == msgid else translation


_NO_LINE_START = frozenset("，。、；：！？）」』》〉】”’)]")
"""Punctuation that closes: kept on the line of what it follows (a Latin full stop or
comma follows a Latin word, which is kept whole anyway)."""
_NO_LINE_END = frozenset("（「『《〈【“‘([")
"""Punctuation that opens: kept on the line of what it precedes."""


def _tokens(text: str) -> list[str]:
    """``text`` cut where a line may break.

    Words and runs of white space, and Chinese characters one by one (a line may
    break between two of them); punctuation is kept with what it closes or opens.
    """
    tokens: list[str] = []
    for char in text:
        space = char.isspace()
        previous = tokens[-1] if tokens else ""
        if not previous:
            tokens.append(char)
        elif space and previous[-1].isspace():
            tokens[-1] += char
        elif space or previous[-1].isspace():
            tokens.append(char)
        elif char in _NO_LINE_START or previous[-1] in _NO_LINE_END:
            tokens[-1] += char
        elif is_wide(char) or is_wide(previous[-1]):
            tokens.append(char)
        else:
            tokens[-1] += char
    return tokens


def _fill(text: str, width: int, first: str, rest: str) -> list[str]:
    """``text`` (one paragraph) in lines of at most ``width`` columns, indents included.

    A word or Chinese character that does not fit goes to the next line; one wider
    than a whole line stands alone on its line.
    """
    lines: list[str] = []
    line, used, gap = first, display_width(first), ""
    for token in _tokens(text):
        if token.isspace():
            gap = token if line.strip() else ""
            continue
        size = display_width(token)
        if line.strip() and used + display_width(gap) + size > width:
            lines.append(line)
            line, used, gap = rest, display_width(rest), ""
        line += gap + token
        used += display_width(gap) + size
        gap = ""
    if line.strip():
        lines.append(line)
    return lines


def _join(lines: list[str]) -> str:
    """The lines of a paragraph as one: a space between them, none between Chinese."""
    text = ""
    for line in lines:
        if text and not (is_wide(text[-1]) and is_wide(line[0])):
            text += " "
        text += line
    return text


def wrap_text(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> str:
    r"""Click's :func:`click.formatting.wrap_text`, measuring display width.

    Paragraphs are kept (and their indentation); a paragraph that starts with a line
    holding ``\b`` is not rewrapped. For text in Chinese.
    """
    paragraphs: list[tuple[int, bool, list[str]]] = []
    lines: list[str] = []
    indent = 0
    for line in [*text.expandtabs().splitlines(), ""]:
        if line:
            if not lines:
                indent = len(line) - len(line.lstrip())
            lines.append(line.lstrip() if not lines else line)
            continue
        if lines:
            raw = lines[0].strip() == "\b"
            paragraphs.append((indent, raw, lines[1:] if raw else lines))
            lines = []
    blocks = []
    for extra, raw, body in paragraphs:
        first = initial_indent + " " * extra
        rest = subsequent_indent + " " * extra
        if raw:
            blocks.append("\n".join((first if i == 0 else rest) + b for i, b in enumerate(body)))
        else:
            blocks.append("\n".join(_fill(_join([b.strip() for b in body]), width, first, rest)))
    return "\n\n".join(blocks)


class HelpFormatter(click.HelpFormatter):
    """Click's help formatter; in Chinese, text is wrapped by display width.

    In English the text is click's own, byte for byte.
    """

    def write_text(self, text: str) -> None:
        """Write ``text`` re-wrapped, its paragraphs kept."""
        if current_language() == "en":
            super().write_text(text)
            return
        indent = " " * self.current_indent
        self.write(wrap_text(text, self.width, indent, indent))
        self.write("\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        """Write a definition list (options, commands): the terms, and the text beside."""
        if current_language() == "en":
            super().write_dl(rows, col_max, col_spacing)
            return
        rows = list(rows)
        first_col = min(max((display_width(term) for term, _ in rows), default=0), col_max)
        first_col += col_spacing
        margin = " " * (first_col + self.current_indent)
        for term, text in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if not text:
                self.write("\n")
                continue
            if display_width(term) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(term)))
            else:
                self.write("\n" + margin)
            wrapped = wrap_text(text, max(self.width - first_col - 2, 10)).splitlines() or [""]
            self.write(wrapped[0] + "\n")
            for line in wrapped[1:]:
                self.write((margin + line).rstrip() + "\n")


class TranslatedContext(click.Context):
    """A context whose help pages are written with :class:`HelpFormatter`."""

    formatter_class = HelpFormatter


def _short_help(text: str, limit: int) -> str:
    """The short help of a command list, from a command's help in Chinese.

    The first sentence of the first paragraph (up to its full stop 。), shortened
    to ``limit`` columns with an ellipsis.
    """
    lines = text.partition("\n\n")[0].splitlines()
    if lines and lines[0].strip() == "\b":
        lines = lines[1:]
    first = _join([line.strip() for line in lines if line.strip()]).partition("。")[0]
    if display_width(first) <= limit:
        return first
    while first and display_width(first) + 1 > limit:
        first = first[:-1]
    return first.rstrip("，、；： ") + "…"


class TranslatedCommand(click.Command):
    """A command whose help, short help and epilog are shown in the current language.

    Every command takes ``--lang`` (:func:`lang_option`), before or after its other
    options: ``grievance-rules score FILE --pack daye --lang zh`` as well as
    ``grievance-rules --lang zh score ...``; given twice, the later one counts.
    """

    context_class = TranslatedContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not any(param.name == "lang" for param in self.params):
            self.params.append(_lang_parameter())

    def _in_language(self) -> Self | None:
        """A copy of the command with its texts translated (``None``: the same texts)."""
        texts = {
            "help": _translated(self.help),
            "short_help": _translated(self.short_help),
            "epilog": _translated(self.epilog),
        }
        if not any(texts.values()):
            return None
        translated = copy.copy(self)
        for name, text in texts.items():
            if text is not None:
                setattr(translated, name, text)
        return translated

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Write the help text, in the current language."""
        translated = self._in_language()
        super(TranslatedCommand, translated or self).format_help_text(ctx, formatter)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Write the epilog, in the current language."""
        translated = self._in_language()
        super(TranslatedCommand, translated or self).format_epilog(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        """The help shown beside the command's name in a list, in the current language."""
        translated = self._in_language()
        if translated is None:
            return super().get_short_help_str(limit)
        if translated.short_help == self.short_help and translated.help:
            translated.short_help = _short_help(help_msgid(translated.help), limit)
        return super(TranslatedCommand, translated).get_short_help_str(limit)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """Click's ``--help`` option, its help shown in the current language.

        Click makes the option with its help already translated, and keeps it: made
        before ``--lang`` is read, or in another language, it would stay so.
        """
        help_option = super().get_help_option(ctx)
        if help_option is not None and type(help_option) is click.Option:
            help_option.__class__ = TranslatedOption
            help_option.help = N_("Show this message and exit.")
        return help_option


_SIGNED_VALUE = re.compile(r"-\d")
"""A word that begins with a minus sign and a digit: a value (``-1``, ``-1h``,
``-1 hour``), never an option (no option's name begins with a digit)."""


class SignedValuesCommand(TranslatedCommand):
    """A command whose arguments may begin with a minus sign and a digit.

    click reads every word that begins with ``-`` as options: ``-1h`` as ``-1`` and
    ``-h`` (the help, printed instead of an answer), ``"-1 hour"`` as an unknown
    option ``-1``. Here such a word is an argument, given to the command, which then
    says what is wrong with it (a working-day count or a duration below zero). The
    words are put back in click's order: the options (with their values) first, then
    ``--`` and the arguments in the order given, so options may still come anywhere.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse ``args``, its signed values taken as arguments (see the class)."""
        if not any(_SIGNED_VALUE.match(word) for word in args):
            return super().parse_args(ctx, args)
        taking_value = {
            name
            for param in self.get_params(ctx)
            if isinstance(param, click.Option) and not param.is_flag and not param.count
            for name in param.opts
        }
        options: list[str] = []
        arguments: list[str] = []
        words = iter(args)
        for word in words:
            if word == "--":
                arguments.extend(words)
                break
            if word.startswith("-") and len(word) > 1 and not _SIGNED_VALUE.match(word):
                options.append(word)  # an option (unknown ones too: click refuses them)
                if word in taking_value:
                    options.extend(islice(words, 1))  # its value, whatever it looks like
                continue
            arguments.append(word)
        return super().parse_args(ctx, [*options, "--", *arguments])


class TranslatedGroup(TranslatedCommand, click.Group):
    """A group of commands, its help and its subcommands' help in the current language."""

    command_class = TranslatedCommand
    group_class = type  # a subgroup is a TranslatedGroup too


class TranslatedOption(click.Option):
    """An option whose help is shown in the current language."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        """The option's row of the help page: its names, and its help translated."""
        text = _translated(self.help)
        if text is None:
            return super().get_help_record(ctx)
        translated = copy.copy(self)
        translated.help = text
        return super(TranslatedOption, translated).get_help_record(ctx)


class TranslatedArgument(click.Argument):
    """An argument whose help (when it has one) is shown in the current language."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str]:
        """The argument's row of the help page: its metavar, and its help translated."""
        text = _translated(getattr(self, "help", None))  # click 8.5: arguments have help
        if text is None:
            return super().get_help_record(ctx)
        translated = copy.copy(self)
        translated.help = text
        return super(TranslatedArgument, translated).get_help_record(ctx)


def command(
    name: str | None = None, **attrs: Any
) -> Callable[[Callable[..., Any]], TranslatedCommand]:
    """``click.command`` making a :class:`TranslatedCommand` (its docstring is its help)."""
    return click.command(name, cls=TranslatedCommand, **attrs)


def group(name: str | None = None, **attrs: Any) -> Callable[[Callable[..., Any]], TranslatedGroup]:
    """``click.group`` making a :class:`TranslatedGroup` (its docstring is its help)."""
    return click.group(name, cls=TranslatedGroup, **attrs)


def option(*param_decls: str, **attrs: Any) -> Callable[[F], F]:
    """``click.option`` making a :class:`TranslatedOption` (mark its help with :func:`N_`)."""
    return click.option(*param_decls, cls=TranslatedOption, **attrs)


def argument(*param_decls: str, **attrs: Any) -> Callable[[F], F]:
    """``click.argument`` making a :class:`TranslatedArgument`."""
    return click.argument(*param_decls, cls=TranslatedArgument, **attrs)


_LANG_ATTRIBUTES: dict[str, Any] = {
    "is_eager": True,
    "expose_value": False,
    "callback": _choose,
    "help": N_(
        "Language of messages, tables and reports: zh (简体中文) or en "
        "[default: $GRIEVANCE_RULES_LANG, else the locale]."
    ),
}


def _lang_parameter() -> TranslatedOption:
    """A command's own ``--lang zh|en`` (see :class:`TranslatedCommand`)."""
    return TranslatedOption(["--lang"], type=Choice(list(LANGUAGES)), **_LANG_ATTRIBUTES)


def lang_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--lang zh|en`` (eager: chosen before any other option is read)."""
    return option("--lang", type=Choice(list(LANGUAGES)), **_LANG_ATTRIBUTES)(func)
