"""The code examples of a Markdown page, found so that tests can run them.

A fenced block is an example when its info string is one of:

* ``python`` / ``py``: Python, run with ``exec``; the blocks of a page share one namespace,
  in page order.
* ``pycon``: an interactive session (``>>>`` lines and their output), run by doctest in
  the same namespace, so the output shown is checked.
* ``sh`` / ``shell`` / ``bash``: each line that starts with ``grievance-rules`` is a
  command, run and expected to exit 0.
* ``console``: ``$ `` lines are commands; a ``grievance-rules`` command must exit 0 and
  print what the lines after it show (doctest rules: ``...`` matches anything,
  whitespace is normalised).

An HTML comment right before a block (blank lines and other markers may come between)
marks what is not run, with its reason, and is invisible on the page::

    <!-- example: skip: the reader's own spreadsheet -->
    <!-- example: skip "orders.xlsx": the reader's own spreadsheet -->

The first form skips the whole block; the second skips the block's commands (or the
Python block) containing the quoted text. A marker that skips nothing, or that no block
follows, is an error: it would hide nothing yet look as if it did.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

PYTHON = frozenset({"python", "py", "python3"})
PYCON = frozenset({"pycon"})
SHELL = frozenset({"sh", "shell", "bash"})
CONSOLE = frozenset({"console"})
PROGRAM = "grievance-rules"

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\s`]*)")
_MARKER = re.compile(r"^\s*<!--\s*example:\s*(?P<body>.*?)\s*-->\s*$")
_SKIP = re.compile(r'^skip(?:\s+"(?P<text>[^"]+)")?\s*:\s*(?P<reason>\S.*)$')


class ExampleSyntaxError(ValueError):
    """A page whose examples cannot be read: an unclosed fence or a bad marker."""


@dataclass(frozen=True)
class Skip:
    """A marker: skip the block, or only its parts containing ``text``."""

    line: int
    reason: str
    text: str | None = None


@dataclass(frozen=True)
class Block:
    """One fenced block: its language, first code line (1-based) and code."""

    language: str
    line: int
    code: str
    skips: tuple[Skip, ...] = ()

    def skip_reason(self, text: str) -> str | None:
        """Why ``text`` (the block's code, or one command of it) is not run, if it is not."""
        for skip in self.skips:
            if skip.text is None or skip.text in text:
                return skip.reason
        return None


@dataclass(frozen=True)
class Command:
    """A ``grievance-rules`` command of a shell or console block."""

    line: int
    text: str
    args: tuple[str, ...]
    expected_output: str | None
    """What a console block shows after the command; ``None`` in a shell block."""


@dataclass
class Page:
    """A page's example blocks, in order."""

    path: Path
    blocks: list[Block] = field(default_factory=list)


def read_page(path: Path) -> Page:
    """Every fenced block of a Markdown file, with the markers before it.

    Raises:
        ExampleSyntaxError: an unclosed fence, a malformed marker, a marker no block
            follows, or a marker that skips nothing in its block.
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    page = Page(path)
    pending: list[Skip] = []
    i = 0
    while i < len(lines):
        marker = _MARKER.match(lines[i])
        fence = _FENCE.match(lines[i])
        if marker:
            skip = _SKIP.match(marker["body"])
            if skip is None:
                raise ExampleSyntaxError(
                    f"{path}:{i + 1}: example marker {marker['body']!r}: "
                    'write "skip: REASON" or "skip \\"TEXT\\": REASON"'
                )
            pending.append(Skip(i + 1, skip["reason"], skip["text"]))
        elif fence:
            indent, ticks = fence["indent"], fence["fence"]
            end = i + 1
            while end < len(lines) and not lines[end].strip().startswith(ticks):
                end += 1
            if end == len(lines):
                raise ExampleSyntaxError(f"{path}:{i + 1}: code block never closed")
            body = [line.removeprefix(indent) for line in lines[i + 1 : end]]
            block = Block(fence["info"].lower(), i + 2, "\n".join(body) + "\n", tuple(pending))
            for skip in pending:
                if skip.text is not None and skip.text not in block.code:
                    raise ExampleSyntaxError(
                        f"{path}:{skip.line}: marker skips {skip.text!r}, "
                        "which the block after it does not contain"
                    )
            page.blocks.append(block)
            pending = []
            i = end
        elif lines[i].strip() and pending:
            raise ExampleSyntaxError(
                f"{path}:{pending[0].line}: example marker not followed by a code block"
            )
        i += 1
    if pending:
        raise ExampleSyntaxError(f"{path}:{pending[0].line}: example marker at the end")
    return page


def commands(block: Block) -> list[Command]:
    """The ``grievance-rules`` commands of a shell or console block.

    Comments are dropped, and so is what follows ``>``, ``|``, ``&&`` or ``;``
    (the command's output is captured by the test anyway).
    """
    console = block.language in CONSOLE
    found: list[Command] = []
    lines = block.code.splitlines()
    i = 0
    while i < len(lines):
        text, start = lines[i], i
        i += 1
        while text.endswith("\\") and i < len(lines):
            text = text[:-1] + " " + lines[i].strip()
            i += 1
        if console:
            if not text.startswith("$ "):
                continue
            text = text[2:]
        tokens = shlex.split(text, comments=True)
        if not tokens or tokens[0] != PROGRAM:
            continue
        args: list[str] = []
        for token in tokens[1:]:
            if token in {">", ">>", "|", "&&", ";", "2>"} or token.startswith(">"):
                break
            args.append(token)
        expected = None
        if console:
            output: list[str] = []
            while i < len(lines) and not lines[i].startswith("$ "):
                output.append(lines[i])
                i += 1
            expected = "\n".join(output).strip("\n") + "\n" if any(output) else ""
        found.append(Command(block.line + start, text.strip(), tuple(args), expected))
    return found
