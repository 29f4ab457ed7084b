"""Reading a pack's files safely: only its own files, bounded in size and in YAML expansion.

A pack is data, and only its own data. Every file a pack is loaded from
(``pack.yaml``, the parameters file, the rule files, the scenario files) is read
through :func:`read_pack_file` and :func:`load_yaml`, which refuse with a
:class:`~grievance_rules.errors.PackError` naming the file and the field:

* a path that leaves the pack directory: an absolute path or a ``..`` in
  ``rule_files`` or ``parameters_file`` (:func:`check_relative`), or a file whose
  real location (symbolic links followed) is outside the pack directory;
* anything but a regular file (a symbolic link to ``/dev/zero``, a FIFO, a folder);
* a file larger than :data:`MAX_FILE_BYTES`;
* text that is not UTF-8;
* YAML that expands to more than :data:`MAX_YAML_NODES` nodes or
  :data:`MAX_YAML_CHARS` characters of scalars once its aliases are followed (an
  alias bomb, "billion laughs"), nests deeper than :data:`MAX_YAML_DEPTH`, or has an
  alias inside the node it refers to.

The checks run on the composed YAML graph, where an alias is one shared node, before
any value is built, so a refused file costs about what reading its bytes costs.
No message quotes a file outside the pack: such a file is never opened.

Example:
    >>> load_yaml(b"{a: &x [1, 2], b: *x}", "demo.yaml")[0]
    {'a': [1, 2], 'b': [1, 2]}
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

import yaml

from grievance_rules.errors import PackError
from grievance_rules.i18n import N_, current_language
from grievance_rules.i18n import gettext as _

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_YAML_CHARS",
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
    "SAFE_LOADER",
    "UnreadYaml",
    "check_no_outward_links",
    "check_relative",
    "load_yaml",
    "read_pack_file",
    "unread_yaml",
]

MAX_FILE_BYTES = 1024 * 1024
"""The largest pack file read (1 MiB); the built-in packs' largest is about 18 KiB."""

MAX_YAML_NODES = 250_000
"""The most YAML nodes a file may expand to, each alias counted as the nodes it stands for."""

MAX_YAML_CHARS = 4 * MAX_FILE_BYTES
"""The most characters of scalars a file may expand to, aliases followed (4 Mi)."""

MAX_YAML_DEPTH = 64
"""The deepest nesting of mappings and lists in a pack file (the built-in packs reach 11)."""

SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it (about 10x faster), else PyYAML's."""


def check_relative(pattern: str, *, file: str, field: str) -> None:
    """Refuse a path or glob pattern from a manifest that could name a file outside the pack.

    Raises:
        PackError: the pattern is empty, absolute (``/etc/*``, a drive, a share),
            starts with ``~`` or has a ``..`` part; the message names the file and field.

    Example:
        >>> check_relative("rules/*.yaml", file="pack.yaml", field="rule_files.0")
        >>> try:
        ...     check_relative("../x/*.yaml", file="pack.yaml", field="rule_files.0")
        ... except PackError as error:
        ...     print(error.field, "|", str(error)[:49])
        rule_files.0 | pack.yaml: rule_files.0: '../x/*.yaml' leaves the
    """
    posix, windows = PurePosixPath(pattern), PureWindowsPath(pattern)
    if not pattern.strip():
        raise PackError(
            _("{file}: {field}: an empty path").format(file=file, field=field),
            file=file,
            field=field,
        )
    if (
        posix.is_absolute()
        or windows.anchor
        or pattern.startswith("~")
        or ".." in posix.parts
        or ".." in windows.parts
    ):
        raise PackError(
            _(
                "{file}: {field}: {pattern} leaves the pack directory; give a path relative "
                "to it, without '..'"
            ).format(file=file, field=field, pattern=repr(pattern)),
            file=file,
            field=field,
        )


def read_pack_file(root: Path, path: Path, *, field: str | None = None) -> bytes:
    """The bytes of a file inside the pack directory ``root``, at most :data:`MAX_FILE_BYTES`.

    Args:
        root: the pack directory.
        path: the file, as found under ``root`` (``root / relative``).
        field: the manifest field that named the file, for messages.

    Raises:
        PackError: the file is missing or unreadable, lies outside ``root`` once symbolic
            links are followed, is not a regular file, or is too large. The message names
            the file relative to ``root`` (never the content of an outside file).
    """
    name = _relative_name(root, path)
    about = (
        _("{file}: {field}: ").format(file=name, field=field)
        if field
        else _("{file}: ").format(file=name)
    )
    try:
        real = path.resolve(strict=True)
        inside = real.is_relative_to(root.resolve(strict=True))
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symbolic link loop (3.11)
        raise PackError(_cannot_read(about, exc), file=name, field=field) from None
    if not inside:
        raise PackError(
            about
            + _(
                "leads outside the pack directory (a symbolic link); a pack reads only "
                "its own files"
            ),
            file=name,
            field=field,
        )
    try:
        info = os.stat(real)
    except OSError as exc:
        raise PackError(_cannot_read(about, exc), file=name, field=field) from None
    if not stat.S_ISREG(info.st_mode):
        raise PackError(
            about + _("not a regular file (a device, pipe or folder); refused"),
            file=name,
            field=field,
        )
    if info.st_size > MAX_FILE_BYTES:
        raise PackError(_too_large(about, info.st_size), file=name, field=field)
    # opened without blocking and checked again on the open file: a file swapped for a
    # FIFO or device after the check above is still refused, and never waited on
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        with open(os.open(real, flags), "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise PackError(
                    about + _("not a regular file (a device, pipe or folder); refused"),
                    file=name,
                    field=field,
                )
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise PackError(_cannot_read(about, exc), file=name, field=field) from None
    if len(data) > MAX_FILE_BYTES:  # it grew after the size was taken
        raise PackError(_too_large(about, len(data)), file=name, field=field)
    return data


def check_no_outward_links(root: Path, pattern: str, *, file: str, field: str) -> None:
    """Refuse a pattern that would look into a folder outside the pack through a link.

    Globbing follows a symbolic link to a folder, and lists that folder's names
    (``rules/etc`` → ``/etc`` with ``rules/etc/*.conf``): the pack is walked first,
    links not followed, and a linked folder leading outside that the pattern could
    enter is refused before anything is listed.

    Raises:
        PackError: names the file, the field and the link (relative to the pack).
    """
    parts = PurePosixPath(pattern.replace("\\", "/")).parts
    real_root = root.resolve()
    for folder, names, _files in os.walk(root, followlinks=False):
        for name in names:
            link = Path(folder, name)
            if not link.is_symlink():
                continue
            try:
                inside = link.resolve(strict=True).is_relative_to(real_root)
            except (OSError, RuntimeError):
                continue  # a broken link or a loop leads nowhere to list
            relative = link.relative_to(root).parts
            if not inside and _may_enter(parts, relative):
                shown = PurePosixPath(*relative).as_posix()
                raise PackError(
                    _(
                        "{file}: {field}: {pattern} would look into {link}, a link leading "
                        "outside the pack directory; a pack reads only its own files"
                    ).format(file=file, field=field, pattern=repr(pattern), link=repr(shown)),
                    file=file,
                    field=field,
                )


_GLOB_CHARACTERS = frozenset("*?[")
_YAML_SUFFIXES = frozenset({".yaml", ".yml"})


@dataclass(frozen=True)
class UnreadYaml:
    """A YAML file a ``rule_files`` pattern looks past only for its suffix."""

    file: str
    """The file, relative to the pack (``rules/hubin.yml``)."""
    suffix: str
    """The suffix the pattern reads (``.yaml``)."""
    meant: str
    """The file's name with that suffix (``hubin.yaml``)."""
    folder: str
    """The folder, relative to the pack, with a ``/`` (``rules/``)."""


def unread_yaml(root: Path, pattern: str, found: Collection[Path]) -> list[UnreadYaml]:
    """The YAML files a pattern looks past only for their suffix (``rules/hubin.yml``).

    A pattern reads the names of its folder that match its last part
    (``rules/*.yaml``): a file beside them that would match with the pattern's suffix
    (``hubin.yml``, ``HUBIN.YAML``) is one the author meant as a rule file, and its
    rules would be lost without a word. Other files (notes, backups) are not listed,
    nor any file beside one a pattern names outright (``rules/hubin.yaml``).

    Args:
        root: the pack directory.
        pattern: one of the manifest's ``rule_files``, checked (:func:`check_relative`,
            :func:`check_no_outward_links`).
        found: the files the manifest's patterns matched (as globbed under ``root``).
    """
    parts = PurePosixPath(pattern.replace("\\", "/")).parts
    if not parts or not _GLOB_CHARACTERS & set(parts[-1]):
        return []
    last = parts[-1]
    suffix = PurePosixPath(last).suffix
    if not suffix or _GLOB_CHARACTERS & set(suffix):
        return []
    folder = PurePosixPath(*parts[:-1]).as_posix() if len(parts) > 1 else ""
    if not folder:
        folders = [root]
    elif _GLOB_CHARACTERS & set(folder):
        folders = sorted(path for path in root.glob(folder) if path.is_dir())
    else:
        folders = [root / folder]
    unread = []
    for place in folders:
        try:
            entries = sorted(place.iterdir())
        except OSError:
            continue
        for entry in entries:
            name = PurePosixPath(entry.name)
            if entry in found or name.suffix.lower() not in _YAML_SUFFIXES:
                continue
            meant = name.stem + suffix
            if fnmatch.fnmatchcase(meant, last) and entry.is_file():
                shown = "" if place == root else _relative_name(root, place) + "/"
                unread.append(UnreadYaml(_relative_name(root, entry), suffix, meant, shown))
    return unread


def _may_enter(pattern: tuple[str, ...], folder: tuple[str, ...]) -> bool:
    """Whether a glob pattern (its parts) could descend into ``folder`` (its parts)."""
    for depth, name in enumerate(folder):
        if depth >= len(pattern) - 1:  # the last part names files, not folders to enter
            return False
        part = pattern[depth]
        if part == "**":
            return True
        if not fnmatch.fnmatchcase(name, part):
            return False
    return True


def load_yaml(data: bytes | str, name: str) -> tuple[Any, yaml.Node | None]:
    """Parse one YAML document with the safe loader, within the expansion caps.

    Args:
        data: the file's bytes (UTF-8) or text.
        name: the file, for messages.

    Returns:
        The plain data (``None`` for an empty file) and its composed node, for line numbers.

    Raises:
        PackError: not UTF-8, not valid YAML, or over a cap (:data:`MAX_YAML_NODES`,
            :data:`MAX_YAML_CHARS`, :data:`MAX_YAML_DEPTH`); names the file and,
            where known, the line.
    """
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PackError(
                _(
                    "{name}: not UTF-8 text (byte {byte} of the file); save the file as UTF-8"
                ).format(name=name, byte=exc.start + 1),
                file=name,
                line=data.count(b"\n", 0, exc.start) + 1,
            ) from None
    else:
        text = data
    loader = SAFE_LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        if "*" in text:  # an alias: measure what it expands to
            _check_expansion(node, name)
        else:  # no alias: as many nodes as the text (bounded by its size) has
            _check_depth(node, name)
        _check_keys(node, name)
        try:
            return loader.construct_document(node), node
        except ValueError:  # a scalar YAML reads as a date that is none (2024-13-01)
            raise _impossible_date(node, name) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise PackError(
            _("{name}: not valid YAML: {problem}").format(
                name=name, problem=_yaml_problem(exc, text)
            ),
            file=name,
            line=line,
        ) from None
    except RecursionError:  # PyYAML's pure-Python composer, without libyaml's depth limit
        raise PackError(_too_deep(name), file=name) from None
    finally:
        loader.dispose()


def _check_keys(root: yaml.Node, name: str) -> None:
    """Refuse a key written twice in one mapping (YAML would keep the last, silently).

    Raises:
        PackError: names the file, the key and the line of its second writing.
    """
    seen_nodes: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: dict[tuple[str, str], int] = {}
            for key, _value in node.value:
                if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
                    continue
                line = key.start_mark.line + 1
                first = keys.setdefault((key.tag, key.value), line)
                if first != line:
                    raise PackError(
                        _(
                            "{name}: line {line}: key {key} is written twice (first on line "
                            "{first}); YAML would keep only the last"
                        ).format(name=name, line=line, key=repr(key.value), first=first),
                        file=name,
                        field=str(key.value),
                        line=line,
                    )
        stack.extend(_children(node))


def _impossible_date(root: yaml.Node, name: str) -> PackError:
    """The refusal of the first scalar in the file that YAML reads as a date no calendar has."""
    constructor = SAFE_LOADER("")
    stack = [root]
    seen_nodes: set[int] = set()
    try:
        while stack:  # depth first, each node's children in order: the file's order
            node = stack.pop()
            if id(node) in seen_nodes:
                continue
            seen_nodes.add(id(node))
            if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:timestamp":
                try:
                    constructor.construct_yaml_timestamp(node)
                except ValueError as exc:
                    line = node.start_mark.line + 1
                    return PackError(
                        _(
                            "{name}: line {line}: {value} is not a date or time that exists "
                            "({problem})"
                        ).format(name=name, line=line, value=repr(node.value), problem=exc),
                        file=name,
                        line=line,
                    )
            stack.extend(reversed(_children(node)))
    finally:
        constructor.dispose()
    return PackError(
        _("{name}: not valid YAML: a value could not be read").format(name=name), file=name
    )


def _check_expansion(root: yaml.Node, name: str) -> None:
    """Measure the tree the node graph stands for (aliases followed), without building it.

    Each distinct node is visited once; its expanded size is the sum of its children's,
    so an alias bomb is measured in the time its few nodes take.
    """
    nodes: dict[int, int] = {}
    chars: dict[int, int] = {}
    depth: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        children = _children(node)
        if finished:
            open_.discard(key)
            nodes[key] = 1 + sum(nodes[id(child)] for child in children)
            chars[key] = (
                len(node.value)
                if isinstance(node, yaml.ScalarNode)
                else sum(chars[id(child)] for child in children)
            )
            depth[key] = (
                0
                if isinstance(node, yaml.ScalarNode)
                else 1 + max((depth[id(child)] for child in children), default=0)
            )
            line = node.start_mark.line + 1
            if nodes[key] > MAX_YAML_NODES:
                raise PackError(
                    _(
                        "{name}: expands to more than {count} YAML nodes once its aliases "
                        "are followed (an alias bomb?); refused"
                    ).format(name=name, count=f"{MAX_YAML_NODES:,}"),
                    file=name,
                    line=line,
                )
            if chars[key] > MAX_YAML_CHARS:
                raise PackError(
                    _(
                        "{name}: expands to more than {count} characters of text once "
                        "its aliases are followed; refused"
                    ).format(name=name, count=f"{MAX_YAML_CHARS:,}"),
                    file=name,
                    line=line,
                )
            if depth[key] > MAX_YAML_DEPTH:
                raise PackError(
                    _too_deep(name),
                    file=name,
                    line=line,
                )
            continue
        if key in nodes:
            continue  # an alias of a node already measured
        if key in open_:
            raise PackError(
                _("{name}: an alias refers to a node that contains it (a cycle); refused").format(
                    name=name
                ),
                file=name,
                line=node.start_mark.line + 1,
            )
        open_.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children)


def _check_depth(root: yaml.Node, name: str) -> None:
    """Refuse nesting deeper than :data:`MAX_YAML_DEPTH` (a tree: no alias to follow)."""
    level: list[yaml.Node] = [root]
    depth = 1
    while level:
        if depth > MAX_YAML_DEPTH:
            raise PackError(
                _too_deep(name),
                file=name,
                line=level[0].start_mark.line + 1,
            )
        below: list[yaml.Node] = []
        for node in level:
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if not isinstance(key, yaml.ScalarNode):
                        below.append(key)
                    if not isinstance(value, yaml.ScalarNode):
                        below.append(value)
            elif isinstance(node, yaml.SequenceNode):
                below.extend(item for item in node.value if not isinstance(item, yaml.ScalarNode))
        level = below
        depth += 1


_YAML_PHRASES = frozenset(
    {
        N_("while parsing a block collection"),
        N_("while parsing a block mapping"),
        N_("while parsing a flow sequence"),
        N_("while parsing a flow mapping"),
        N_("while parsing a node"),
        N_("while scanning a simple key"),
        N_("while scanning a quoted scalar"),
        N_("while scanning a block scalar"),
        N_("while scanning a plain scalar"),
        N_("while scanning an anchor"),
        N_("while scanning an alias"),
        N_("while scanning a tag"),
        N_("while scanning for the next token"),
        N_("while composing a node"),
        N_("could not find expected ':'"),
        N_("mapping values are not allowed in this context"),
        N_("mapping values are not allowed here"),
        N_("found character that cannot start any token"),
        N_("found unexpected end of stream"),
        N_("found unknown escape character"),
        N_("found a tab character that violates indentation"),
        N_("block sequence entries are not allowed in this context"),
        N_("found undefined alias"),
        N_("while constructing a mapping"),
        N_("found unhashable key"),
    }
)
"""The words of libyaml's and PyYAML's common parse errors, said in the chosen language."""


def _yaml_phrase(text: str) -> str:
    """One part of a YAML parse error in Chinese, where the catalogue has it (else as said)."""
    if text in _YAML_PHRASES:
        return _(text)
    if text.startswith("could not determine a constructor for the tag "):
        tag = text.removeprefix("could not determine a constructor for the tag ")
        return _("the tag {tag} is not read (a pack is data: no tags)").format(tag=tag)
    expected, _but, got = text.partition(", but ")
    for start in ("did not find expected ", "expected "):
        if expected.startswith(start):
            wanted = expected.removeprefix(start)
            if current_language() == "zh":  # (in English the "or" stays English)
                wanted = wanted.replace("' or '", "' 或 '")
            if not got:
                return _("did not find the expected {wanted}").format(wanted=wanted)
            got = got.removeprefix("found ").removeprefix("got ")
            return _("expected {wanted}, found {got}").format(wanted=wanted, got=got)
    return text


def _yaml_problem(exc: yaml.YAMLError, text: str = "") -> str:
    """A YAML parse error said in the chosen language: what, and where (line and column).

    A tab where YAML wants spaces (to indent) is said as a tab, wherever PyYAML stumbles
    on it; a tag (``!!python/object``) as a tag a pack does not take.
    """
    if not isinstance(exc, yaml.MarkedYAMLError):
        return str(exc)
    mark = exc.problem_mark
    if mark is not None and _character_at(text, mark.line, mark.column) == "\t":
        return _(
            "a tab (line {line}, column {column}); YAML indents with spaces only: "
            "replace the tab with spaces"
        ).format(line=mark.line + 1, column=mark.column + 1)
    parts = []
    for said, place in ((exc.context, exc.context_mark), (exc.problem, exc.problem_mark)):
        if not said:
            continue
        said = _yaml_phrase(said)
        if place is not None:
            said += _(" (line {line}, column {column})").format(
                line=place.line + 1, column=place.column + 1
            )
        parts.append(said)
    separator = "；" if current_language() == "zh" else "; "
    return separator.join(parts) if parts else str(exc)


def _character_at(text: str, line: int, column: int) -> str:
    """The character at a YAML mark (0-based line and column), or ``""`` past the text."""
    lines = text.splitlines()
    if 0 <= line < len(lines) and 0 <= column < len(lines[line]):
        return lines[line][column]
    return ""


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _relative_name(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def _too_large(about: str, size: int) -> str:
    return about + _(
        "{size} bytes, more than the {limit} bytes a pack file may have; refused"
    ).format(size=f"{size:,}", limit=f"{MAX_FILE_BYTES:,}")


def _too_deep(name: str) -> str:
    return _("{name}: nests deeper than {levels} levels; refused").format(
        name=name, levels=MAX_YAML_DEPTH
    )


def _cannot_read(about: str, exc: BaseException) -> str:
    return about + _("cannot read: {reason}").format(reason=_reason(exc))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return _("a symbolic link loop")
