"""A value outside an option's choices is refused with the choices listed as the language lists.

The expected messages are written by hand: in Chinese the choices are joined with the
enumeration comma 、, in English click's own message is kept byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator

import click
from click.testing import CliRunner

from grievance_rules.cli import cli
from grievance_rules.cli._language import Choice


def _refusal(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), prog_name="grievance-rules")
    return result.exit_code, result.output.splitlines()[-1]


def test_a_refused_format_lists_the_choices_with_the_enumeration_comma_in_chinese() -> None:
    assert _refusal("--lang", "zh", "read", "--format", "doc", "x") == (
        2,
        "错误：'--format' 的值无效：'doc' 不在可选值 'json'、'jsonl'、'csv'、'xlsx' 之中。",
    )


def test_a_refused_output_format_lists_the_choices_with_the_enumeration_comma_in_chinese() -> None:
    assert _refusal("--lang", "zh", "evaluate", "--output-format", "pdf", "x") == (
        2,
        "错误：'--output-format' 的值无效：'pdf' 不在可选值 "
        "'jsonl'、'table'、'xlsx'、'parquet' 之中。",
    )


def test_the_english_refusal_is_clicks_own() -> None:
    assert _refusal("--lang", "en", "read", "--format", "doc", "x") == (
        2,
        "Error: Invalid value for '--format': 'doc' is not one of 'json', 'jsonl', 'csv', 'xlsx'.",
    )


def _parameters(
    command: click.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Parameter]]:
    for parameter in command.params:
        yield path, parameter
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _parameters(sub, (*path, name))


def test_every_choice_of_the_cli_lists_its_choices_in_the_language() -> None:
    plain = [
        (" ".join(path), parameter.name)
        for path, parameter in _parameters(cli)
        if isinstance(parameter.type, click.Choice) and not isinstance(parameter.type, Choice)
    ]
    assert plain == []
    assert any(isinstance(p.type, Choice) for _path, p in _parameters(cli))


def test_the_options_suggested_for_a_mistyped_one_are_joined_with_the_enumeration_comma() -> None:
    # '--pac' is close to two of score's options: --pack and --pack-dir
    assert _refusal("--lang", "zh", "score", "--pac", "daye", "x") == (
        2,
        "错误：没有 '--pac' 这个选项。 （是否想输入：'--pack'、'--pack-dir'？）",
    )
    assert _refusal("--lang", "en", "score", "--pac", "daye", "x") == (
        2,
        "Error: No such option '--pac'. (Did you mean one of: '--pack', '--pack-dir'?)",
    )
    assert _refusal("--lang", "zh", "score", "--as-off", "daye", "x") == (
        2,
        "错误：没有 '--as-off' 这个选项。 （是否想输入：'--as-of'？）",
    )
