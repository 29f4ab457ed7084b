"""Keep the 简体中文 catalogue in step with the messages the code marks for translation.

Usage (from the repository root)::

    python tools/catalogue.py check     # exit 1 if a marked message lacks a Chinese translation
    python tools/catalogue.py update    # append every new message to the .po (msgstr empty)
    python tools/catalogue.py compile   # the .po compiled to the .mo the package reads

``extract`` finds the messages with Babel, as ``pybabel extract -F babel.cfg -k _
-k N_ -k ngettext:1,2 -k pgettext:1c,2`` would, and the help of each click command,
its docstring, which pybabel does not extract (``command_docstrings``; the CLI shows
it in the chosen language); ``update`` only appends (the
catalogue is edited by hand by several people, so it is never rewritten);
``compile`` writes the ``.mo`` with Babel's own writer (what ``pybabel
compile -D grievance_rules -d src/grievance_rules/locales -l zh_CN`` writes).
``tests/test_i18n.py`` runs ``check`` and compares the committed ``.mo`` with a
fresh compile.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

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
    """One marked message: its id (a string, or singular and plural), context and first use."""

    id: str | tuple[str, str]
    context: str | None
    where: str

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
    """Every message marked in ``source`` and every command's help, once each, sorted by id."""
    found: dict[tuple[str | tuple[str, str], str | None], Message] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(source), METHODS, keywords=KEYWORDS, strip_comment_tags=True
    ):
        if not message or (isinstance(message, tuple) and not message[0]):
            continue
        ident: str | tuple[str, str] = (
            (message[0], message[1]) if isinstance(message, tuple) else message
        )
        found.setdefault((ident, context), Message(ident, context, f"{filename}:{lineno}"))
    for filename, lineno, help_text in command_docstrings(source):
        found.setdefault((help_text, None), Message(help_text, None, f"{filename}:{lineno}"))
    return sorted(found.values(), key=lambda m: (str(m.key), m.context or ""))


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


def _entry(message: Message) -> str:
    lines = [f"#: {message.where}"]
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


def update(po: Path = PO) -> int:
    """Append each marked message the catalogue lacks (msgstr empty); the number appended."""
    catalogue = load(po)
    new = [m for m in extract() if catalogue.get(m.key, context=m.context) is None]
    if new:
        text = po.read_text(encoding="utf-8")
        blocks = "\n".join(_entry(m) for m in new)
        po.write_text(text.rstrip("\n") + "\n\n" + blocks, encoding="utf-8")
    return len(new)


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
        print(f"{update()} messages appended to {PO.relative_to(ROOT)}")
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
