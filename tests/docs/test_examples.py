"""Every code example of the documentation runs as a test.

The pages are README.md and docs/**/*.md; what counts as an example, and how a page
marks what is not run, is in ``markdown_examples``. Test ids name the page and the line
of the block or command, so a failure says where to look. Examples run from the
repository root, as a reader of the README would type them.
"""

from __future__ import annotations

import doctest
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from grievance_rules.cli import cli
from tests.docs.markdown_examples import (
    CONSOLE,
    PROGRAM,
    PYCON,
    PYTHON,
    SHELL,
    Block,
    Command,
    commands,
    read_page,
)

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

# Examples on pages the documentation's owner does not edit (README.md) that cannot run
# as written: (page, text of the command, reason). Such a command is run like one marked
# skipped (see below) and must fail that check; once the page is fixed it passes it, and
# the test fails until the entry is removed.
KNOWN_FAILURES: tuple[tuple[str, str, str], ...] = ()

_DOCTEST_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@dataclass
class _PageRun:
    """A page's shared namespace and how many of its code blocks have run."""

    blocks: list[Block]
    namespace: dict[str, Any] = field(default_factory=dict)
    done: int = 0


_RUNS: dict[str, _PageRun] = {}


def _code_blocks(page: Path) -> list[Block]:
    return [b for b in read_page(page).blocks if b.language in PYTHON | PYCON]


def _run_block(page: Path, block: Block, namespace: dict[str, Any]) -> None:
    if block.language in PYCON or block.code.lstrip().startswith(">>>"):
        name = f"{_rel(page)}:{block.line}"
        test = doctest.DocTestParser().get_doctest(
            block.code, namespace, name, str(page), block.line - 1
        )
        runner = doctest.DocTestRunner(optionflags=_DOCTEST_FLAGS)
        report: list[str] = []
        runner.run(test, out=report.append, clear_globs=False)
        namespace.update(test.globs)  # the DocTest ran on a copy
        if runner.failures:
            pytest.fail("".join(report), pytrace=False)
        return
    # Leading newlines keep the page's line numbers in tracebacks.
    code = compile("\n" * (block.line - 1) + block.code, str(page), "exec")
    exec(code, namespace)


def _python_cases() -> Iterator[Any]:
    for page in PAGES:
        for index, block in enumerate(_code_blocks(page)):
            yield pytest.param(page, index, id=f"{_rel(page)}:{block.line}:{block.language}")


def _command_cases() -> Iterator[Any]:
    for page in PAGES:
        for block in read_page(page).blocks:
            if block.language not in SHELL | CONSOLE:
                continue
            for command in commands(block):
                words = " ".join(command.args)
                yield pytest.param(
                    command,
                    block.skip_reason(command.text),
                    _known_failure(page, command.text),
                    id=f"{_rel(page)}:{command.line}:{PROGRAM} {words}"[:100],
                )


def _known_failure(page: Path, text: str) -> str | None:
    for known_page, known_text, reason in KNOWN_FAILURES:
        if _rel(page) == known_page and known_text in text:
            return reason
    return None


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.usefixtures("at_root")
@pytest.mark.parametrize(("page", "index"), list(_python_cases()))
def test_python_example(page: Path, index: int) -> None:
    """Run the page's blocks in order up to this one, in the page's namespace.

    A block marked skipped is only compiled (its syntax checked).
    """
    run = _RUNS.setdefault(str(page), _PageRun(_code_blocks(page), {"__name__": "__example__"}))
    block = run.blocks[index]
    reason = block.skip_reason(block.code)
    if reason:
        if block.language in PYTHON:
            compile(block.code, f"{page}:{block.line}", "exec")
        pytest.skip(f"{reason} (syntax checked)")
    while run.done < index:  # this block alone (-k): run the earlier ones first
        earlier = run.blocks[run.done]
        run.done += 1
        if not earlier.skip_reason(earlier.code):
            _run_block(page, earlier, run.namespace)
    run.done = index + 1
    _run_block(page, block, run.namespace)


@pytest.mark.usefixtures("at_root")
@pytest.mark.parametrize(("command", "skip_reason", "known_failure"), list(_command_cases()))
def test_command_example(
    command: Command, skip_reason: str | None, known_failure: str | None
) -> None:
    """Run the command; a skipped one must fail only for want of the file it names.

    Click parses every option before it checks that a path exists, so a skipped
    command still has its options checked.
    """
    env = {"COLUMNS": "100", "NO_COLOR": "1"}
    result = CliRunner(env=env).invoke(cli, list(command.args), catch_exceptions=False)
    shown = f"{command.text}\nexit {result.exit_code}\n{result.output}"
    if skip_reason is None and known_failure is None:
        assert result.exit_code == 0, shown
        if command.expected_output is not None:
            _check_output(command, result.output)
        return
    only_file_missing = result.exit_code == 0 or (
        result.exit_code == 2 and "does not exist" in result.output
    )
    if known_failure is not None:
        if only_file_missing:
            pytest.fail(f"fixed on the page: remove it from KNOWN_FAILURES\n{shown}")
        pytest.xfail(known_failure)
    assert only_file_missing, f"fails for another reason than the missing file:\n{shown}"
    pytest.skip(f"{skip_reason} (options checked)")


def _check_output(command: Command, output: str) -> None:
    expected = command.expected_output or ""
    checker = doctest.OutputChecker()
    if not checker.check_output(expected, output, _DOCTEST_FLAGS):
        example = doctest.Example(command.text, expected)
        pytest.fail(checker.output_difference(example, output, _DOCTEST_FLAGS), pytrace=False)


def test_examples_are_found() -> None:
    """The pages this module promises to run are there and hold examples."""
    assert ROOT / "README.md" in PAGES
    assert len(list(_python_cases())) >= 3
    assert len(list(_command_cases())) >= 10


def test_no_unused_known_failure() -> None:
    """Each KNOWN_FAILURES entry still matches an example (else it hides nothing)."""
    texts = {
        (_rel(page), text)
        for page in PAGES
        for block in read_page(page).blocks
        if block.language in SHELL | CONSOLE
        for text in [c.text for c in commands(block)]
    }
    for known_page, known_text, _ in KNOWN_FAILURES:
        assert any(p == known_page and known_text in t for p, t in texts), known_text
