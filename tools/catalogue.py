"""Keep the 简体中文 catalogue in step with the messages the code marks for translation.

Usage (from the repository root)::

    python tools/catalogue.py check     # exit 1 if a marked message lacks a Chinese translation
    python tools/catalogue.py update    # refresh every entry's references, add new messages
    python tools/catalogue.py compile   # the .po compiled to the .mo the package reads

``extract`` finds the messages with Babel, as ``pybabel extract -F babel.cfg -k _
-k N_ -k ngettext:1,2 -k pgettext:1c,2`` would, and the help of each click command,
its docstring, which pybabel does not extract (``command_docstrings``; the CLI shows
it in the chosen language). ``update`` does what Babel's ``Catalog.update`` does to
the entries, but on the text of the ``.po``, which is edited by hand by several
people and so is never rewritten: every entry's ``#:`` references become the places
the code uses its message now; an entry whose message the code no longer marks is
made obsolete (its lines commented out with ``#~``, its translation kept, left out of
the ``.mo``), and brought back if the message comes back; a new message is appended
(msgstr empty). Translations, translator comments, flags and the order of the
entries are left as they are. ``compile`` writes the ``.mo`` with Babel's own writer
(what ``pybabel compile -D grievance_rules -d src/grievance_rules/locales -l zh_CN``
writes).
``tests/test_i18n.py`` runs ``check`` and compares the committed ``.mo`` with a
fresh compile.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import io
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, unescape

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "grievance_rules"
PO = SOURCE / "locales" / "zh_CN" / "LC_MESSAGES" / "grievance_rules.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}
METHODS = [("**.py", "python")]


@dataclass(frozen=True)
class Message:
    """One marked message: its id (a string, or singular and plural), context and uses.

    ``where`` is its first use; ``locations`` every use (``file:line``), in order.
    """

    id: str | tuple[str, str]
    context: str | None
    where: str
    locations: tuple[str, ...] = field(default=(), compare=False)

    @property
    def key(self) -> str | tuple[str, str]:
        """The catalogue key Babel uses: the singular id for a plural message."""
        return self.id[0] if isinstance(self.id, tuple) else self.id


COMMAND_DECORATORS = frozenset({"command", "group"})
"""A function decorated with ``command(...)`` or ``group(...)`` (``click.command``,
``calendar_group.command``, the CLI's own ``command``) is a click command."""


def _is_command(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Attribute):
        return target.attr in COMMAND_DECORATORS
    return isinstance(target, ast.Name) and target.id in COMMAND_DECORATORS


def command_docstrings(source: Path = SOURCE) -> Iterator[tuple[str, int, str]]:
    """The help text of every click command in ``source``: file, line and text.

    The text is the docstring as click shows it, and as the CLI asks the catalogue
    for it (``grievance_rules.cli._language.help_msgid``): ``inspect.cleandoc``,
    cut at the first form feed.
    """
    for path in sorted(source.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text, filename=str(path))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            docstring = ast.get_docstring(node, clean=False)
            if docstring and any(_is_command(d) for d in node.decorator_list):
                help_text = inspect.cleandoc(docstring).partition("\f")[0]
                yield path.relative_to(source).as_posix(), node.body[0].lineno, help_text


def extract(source: Path = SOURCE) -> list[Message]:
    """Every message marked in ``source`` and every command's help, once each, sorted by id.

    Each with every place it is used, sorted by file and line.
    """
    found: dict[tuple[str | tuple[str, str], str | None], list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(source), METHODS, keywords=KEYWORDS, strip_comment_tags=True
    ):
        if not message or (isinstance(message, tuple) and not message[0]):
            continue
        ident: str | tuple[str, str] = (
            (message[0], message[1]) if isinstance(message, tuple) else message
        )
        found.setdefault((ident, context), []).append((filename, lineno))
    for filename, lineno, help_text in command_docstrings(source):
        found.setdefault((help_text, None), []).append((filename, lineno))
    messages = []
    for (ident, context), uses in found.items():
        locations = tuple(f"{name}:{line}" for name, line in sorted(set(uses)))
        messages.append(Message(ident, context, locations[0], locations))
    return sorted(messages, key=lambda m: (str(m.key), m.context or ""))


def load(po: Path = PO) -> Catalog:
    """The catalogue as Babel reads it."""
    with po.open("rb") as handle:
        return read_po(handle, locale="zh_CN", domain="grievance_rules")


def untranslated(messages: list[Message], catalogue: Catalog) -> Iterator[tuple[Message, str]]:
    """Each message without a usable Chinese translation, and why."""
    for message in messages:
        entry = catalogue.get(message.key, context=message.context)
        if entry is None:
            yield message, "not in the catalogue"
        elif entry.fuzzy:
            yield message, "fuzzy"
        elif isinstance(entry.string, tuple | list):
            if not all(entry.string):
                yield message, "a plural form is empty"
        elif not entry.string:
            yield message, "empty"


def _quote(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\n", "\\n")
    )
    return f'"{escaped}"'


REFERENCE_WIDTH = 76
"""Babel's width for ``#:`` lines: as many references on a line as fit."""


def references(locations: tuple[str, ...]) -> list[str]:
    """The ``#:`` lines of ``locations``, as Babel writes them (wrapped at 76 columns)."""
    lines: list[str] = []
    for location in locations:
        if lines and len(lines[-1]) + 1 + len(location) <= REFERENCE_WIDTH:
            lines[-1] += " " + location
        else:
            lines.append(f"#: {location}")
    return lines


def _entry(message: Message) -> str:
    lines = references(message.locations or (message.where,))
    if message.context is not None:
        lines.append(f"msgctxt {_quote(message.context)}")
    if isinstance(message.id, tuple):
        lines += [
            f"msgid {_quote(message.id[0])}",
            f"msgid_plural {_quote(message.id[1])}",
            'msgstr[0] ""',
        ]
    else:
        lines += [f"msgid {_quote(message.id)}", 'msgstr ""']
    return "\n".join(lines) + "\n"


_KEYWORD = re.compile(r'(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$')
_MESSAGE_LINE = ("msgctxt ", "msgid ", "msgid_plural ", "msgstr", '"')
_OBSOLETE = "#~ "


def _key(lines: list[str]) -> tuple[str, str | None] | None:
    """The (msgid, msgctxt) of an entry's message lines; ``None`` for the header or no entry."""
    strings: dict[str, str] = {}
    keyword = None
    for line in lines:
        found = _KEYWORD.match(line)
        if found:
            keyword = found.group(1)
            strings[keyword] = unescape(found.group(2))
        elif line.startswith('"') and keyword is not None:
            strings[keyword] += unescape(line)
    if not strings.get("msgid"):
        return None
    return strings["msgid"], strings.get("msgctxt")


@dataclass(frozen=True)
class Updated:
    """What :func:`update` did: entries refreshed, appended, made obsolete, brought back."""

    refreshed: int
    appended: int
    obsoleted: int
    revived: int


def _entries(block: str) -> list[str]:
    """The entries of a block of lines, cut where an entry follows a msgstr with no blank line."""
    lines = block.split("\n")
    entries: list[list[str]] = [[]]
    after_msgstr = False
    for line in lines:
        plain = line.removeprefix(_OBSOLETE)
        if after_msgstr and not plain.startswith('"'):
            entries.append([])
        entries[-1].append(line)
        after_msgstr = plain.startswith("msgstr") or (after_msgstr and plain.startswith('"'))
    return ["\n".join(entry) for entry in entries]


def _updated_block(
    block: str, used: dict[tuple[str, str | None], Message]
) -> tuple[str, tuple[str, str | None] | None, str]:
    """An entry's text with its references refreshed, its key, and what became of it.

    What became of it: ``"kept"`` (a message in use, or no entry: the header, comments),
    ``"obsoleted"``, ``"revived"`` or ``"obsolete"`` (obsolete before and after).
    """
    lines = block.split("\n")
    obsolete = any(line.startswith(_OBSOLETE) for line in lines)
    message_lines = [
        line.removeprefix(_OBSOLETE) if obsolete else line
        for line in lines
        if (line.startswith(_OBSOLETE) if obsolete else line.startswith(_MESSAGE_LINE))
    ]
    key = _key(message_lines)
    if key is None:
        return block, None, "kept"
    message = used.get(key)
    kept = [line for line in lines if not line.startswith("#:")]
    if message is None:
        if obsolete:
            return "\n".join(kept), key, "obsolete"
        kept = [_OBSOLETE + line if line.startswith(_MESSAGE_LINE) else line for line in kept]
        return "\n".join(kept), key, "obsoleted"
    if obsolete:
        kept = [line.removeprefix(_OBSOLETE) for line in kept]
    at = next(
        (i for i, line in enumerate(kept) if line.startswith(("#,", "#|", *_MESSAGE_LINE))),
        len(kept),
    )
    kept[at:at] = references(message.locations or (message.where,))
    return "\n".join(kept), key, "revived" if obsolete else "kept"


def update(po: Path = PO, source: Path = SOURCE) -> Updated:
    """Bring the catalogue ``po`` in step with the messages marked in ``source``.

    Every entry's ``#:`` references are the places its message is used now; an entry
    whose message is no longer used is made obsolete (``#~``, its translation kept),
    an obsolete one used again is brought back; each new message is appended with an
    empty msgstr. Nothing else in the file changes: translations, comments, flags and
    the order of the entries stay as they are (two entries with no blank line between
    them get one).
    """
    messages = extract(source)
    used = {(m.key, m.context): m for m in messages}
    text = po.read_text(encoding="utf-8")
    blocks, seen = [], set()
    counts = {"kept": 0, "obsoleted": 0, "revived": 0, "obsolete": 0}
    refreshed = 0
    entries = [entry for block in text.rstrip("\n").split("\n\n") for entry in _entries(block)]
    for block in entries:
        new_block, key, what = _updated_block(block, used)
        if key is not None:
            seen.add(key)
            counts[what] += 1
            refreshed += int(new_block != block and what == "kept")
        blocks.append(new_block)
    new = [m for m in messages if (m.key, m.context) not in seen]
    blocks += [_entry(m).rstrip("\n") for m in new]
    updated = "\n\n".join(blocks) + "\n"
    if updated != text:
        po.write_text(updated, encoding="utf-8")
    return Updated(refreshed, len(new), counts["obsoleted"], counts["revived"])


def compiled(po: Path = PO) -> bytes:
    """The ``.mo`` bytes of the catalogue (fuzzy entries left out, as pybabel does)."""
    out = io.BytesIO()
    write_mo(out, load(po), use_fuzzy=False)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """The command line: check, update or compile."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["check", "update", "compile"])
    args = parser.parse_args(argv)
    if args.action == "update":
        done = update()
        print(
            f"{PO.relative_to(ROOT)}: references refreshed in {done.refreshed} entries, "
            f"{done.appended} messages appended, {done.obsoleted} made obsolete, "
            f"{done.revived} brought back"
        )
        return 0
    if args.action == "compile":
        MO.write_bytes(compiled())
        print(f"wrote {MO.relative_to(ROOT)}")
        return 0
    missing = list(untranslated(extract(), load()))
    for message, why in missing:
        print(f"{message.where}: {message.id!r}: {why}")
    print(f"{len(missing)} messages without a Chinese translation")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
