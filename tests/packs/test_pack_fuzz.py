"""Fuzzing packs: a mutated pack is loaded or refused with a PackError, and reads only itself.

Hypothesis mutates the small "lakeside" pack (its manifest, parameters, rule file
and scenario file): random text spliced in, random bytes, hostile snippets
(``..`` and absolute paths, alias bombs, cycles, deep nesting) and files replaced
by symbolic links (outside the pack, to ``/dev/zero``, to a missing file, to a
file inside). Whatever the mutation:

* loading the pack (and its scenario files) returns or raises a
  :class:`~grievance_rules.errors.PackError`, nothing else;
* no message quotes the file outside the pack;
* no file outside the pack directory is opened (``open``, ``io.open``,
  ``os.open``, ``Path.open``, ``Path.read_text`` and ``Path.read_bytes`` are
  watched while loading).
"""

from __future__ import annotations

import builtins
import io
import os
import pathlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import grievance_rules.scoring.rates  # noqa: F401 - imported by loading; imported here first
from grievance_rules.errors import PackError
from grievance_rules.packs import load_pack
from grievance_rules.testing.scenarios import load_scenarios
from tests.testing.lakeside import REPLY_BREACHED, REPLY_MET, write_pack

SECRET = "SECRET-9"
FILES = ("pack.yaml", "parameters.yaml", "rules/lakeside.yaml", "scenarios/replies.yaml")
YAML_CHARS = "abc019 -:&*[]{},'\"\n\t!|>#%@`~.?\\/"
BOMB = "".join(
    [
        "b0: &b0 [x, x, x, x, x, x, x, x, x, x]\n",
        *(f"b{i}: &b{i} [{', '.join([f'*b{i - 1}'] * 10)}]\n" for i in range(1, 8)),
    ]
)
SNIPPETS = (
    "rule_files: ['../outside/*.yaml']\n",
    "rule_files: ['rules/*.yaml', '/etc/*']\n",
    "rule_files: ['**/*.yaml']\n",
    "rule_files: ['rules/**']\n",
    "rule_files: ['~/*.yaml']\n",
    "rule_files: [{a: 1}]\n",
    "parameters_file: ../outside/secret.yaml\n",
    "parameters_file: /etc/passwd\n",
    "parameters_file: rules\n",
    BOMB,
    "cycle: &c [*c]\n",
    "deep: " + "[" * 80 + "]" * 80 + "\n",
    "dup: 1\ndup: 2\n",
    "revision: 'a b'\n",
    "x: .nan\n",
    "? [a, b]\n: c\n",
    "- just a list\n",
    "parameters: [1, 2]\n",
    "rules: {}\n",
    "rules: [null, 3, {kind: clock}]\n",
    "\ufeffbom: 1\n",
    "x: !!python/object:os.system ['true']\n",
)
LINK_TARGETS = ("outside/secret.yaml", "outside", "/etc/passwd", "/dev/zero", "missing", "inside")


@st.composite
def mutation(draw: st.DrawFn) -> tuple[Any, ...]:
    file = draw(st.sampled_from(FILES))
    kind = draw(st.sampled_from(["splice", "append", "bytes", "link", "remove"]))
    if kind == "splice":
        at = draw(st.floats(0, 1))
        cut = draw(st.integers(0, 20))
        text = draw(st.text(alphabet=YAML_CHARS, max_size=20))
        return (kind, file, at, cut, text)
    if kind == "append":
        return (kind, file, draw(st.sampled_from(SNIPPETS)))
    if kind == "bytes":
        return (kind, file, draw(st.binary(max_size=64)))
    if kind == "link":
        return (kind, file, draw(st.sampled_from(LINK_TARGETS)))
    return (kind, file)


def apply(change: tuple[Any, ...], pack: Path, outside: Path) -> None:
    kind, name = change[0], change[1]
    path = pack / name
    if os.path.lexists(path) and not path.is_file():
        return  # already replaced by a folder link; leave it
    if kind in ("splice", "append") and path.is_file() and not path.is_symlink():
        text = path.read_text(encoding="utf-8", errors="replace")
        if kind == "splice":
            _, _, at, cut, new = change
            start = int(at * len(text))
            text = text[:start] + new + text[start + cut :]
        else:
            text += change[2]
        path.write_text(text, encoding="utf-8")
    elif kind == "bytes":
        if path.is_symlink():
            path.unlink()
        path.write_bytes(change[2])
    elif kind in ("link", "remove"):
        if os.path.lexists(path):
            path.unlink()
        if kind == "link":
            target = change[2]
            if target == "inside":
                path.symlink_to(pack / "rules" / "lakeside.yaml")
            elif target.startswith("outside"):
                path.symlink_to(outside.parent / target)
            else:
                path.symlink_to(target)


@contextmanager
def watching_opens(opened: list[str]) -> Iterator[None]:
    """Record every path opened through the usual functions while the block runs."""

    def wrap(original: Any) -> Any:
        def opener(*args: Any, **kwargs: Any) -> Any:
            target = args[0] if args else kwargs.get("file")
            if isinstance(target, str | bytes | os.PathLike):
                opened.append(os.fsdecode(target))
            return original(*args, **kwargs)

        return opener

    patches = [
        mock.patch.object(builtins, "open", wrap(builtins.open)),
        mock.patch.object(io, "open", wrap(io.open)),
        mock.patch.object(os, "open", wrap(os.open)),
        mock.patch.object(pathlib.Path, "open", wrap(pathlib.Path.open)),
        mock.patch.object(pathlib.Path, "read_text", wrap(pathlib.Path.read_text)),
        mock.patch.object(pathlib.Path, "read_bytes", wrap(pathlib.Path.read_bytes)),
    ]
    for patch in patches:
        patch.start()
    try:
        yield
    finally:
        for patch in reversed(patches):
            patch.stop()


def load_everything(pack: Path) -> None:
    load_pack(pack)
    for file in sorted((pack / "scenarios").glob("*.yaml")):
        load_scenarios(file)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(changes=st.lists(mutation(), min_size=1, max_size=3))
def test_a_mutated_pack_is_loaded_or_refused_and_reads_only_itself(
    changes: list[tuple[Any, ...]],
) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        outside = root / "outside"
        outside.mkdir()
        (outside / "secret.yaml").write_text(f"rules: [{{id: {SECRET}}}]\n", encoding="utf-8")
        pack = write_pack(root, REPLY_MET, REPLY_BREACHED)
        for change in changes:
            apply(change, pack, outside)
        opened: list[str] = []
        message = ""
        with watching_opens(opened):
            try:
                load_everything(pack)
            except PackError as error:  # the one documented refusal (ScenarioFileError is one)
                message = str(error)
        assert SECRET not in message
        assert str(outside) not in message or "leaves the pack" in message
        real = pack.resolve()
        for name in opened:
            assert Path(name).resolve().is_relative_to(real), name


def test_the_watch_sees_what_loading_opens() -> None:
    """The patched functions do see the loader's reads (else the test above proves nothing)."""
    with tempfile.TemporaryDirectory() as temporary:
        pack = write_pack(Path(temporary), REPLY_MET)
        opened: list[str] = []
        with watching_opens(opened):
            load_everything(pack)
        names = {Path(name).resolve().relative_to(pack.resolve()).as_posix() for name in opened}
        assert names == {
            "pack.yaml",
            "parameters.yaml",
            "rules/lakeside.yaml",
            "scenarios/replies.yaml",
        }
