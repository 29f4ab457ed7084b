"""Writing output files so that a cut-off run never leaves a file that looks complete.

Every file a command writes goes to a temporary file beside it and is renamed into
place only when complete (``os.replace``, atomic on one file system): an
interrupted run leaves the old file, or none, never half of a new one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

__all__ = ["REJECTED_EXIT", "atomic_file", "atomic_path", "write_text"]

REJECTED_EXIT = 1
"""The exit status of a command that ran to the end but rejected some records (as
``read`` does); a usage error exits 2."""


@contextlib.contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    r"""A temporary path beside ``target``, renamed to it when the block ends without error.

    Example:
        >>> import tempfile, pathlib
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "report.md"
        >>> with atomic_path(out) as tmp:
        ...     _ = tmp.write_text("# done\n", encoding="utf-8")
        ...     out.exists()
        False
        >>> out.read_text(encoding="utf-8")
        '# done\n'
    """
    target = Path(target)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(handle)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_file(target: str | Path, mode: str = "w") -> Iterator[IO[str]]:
    """A text file (UTF-8) written in place of ``target`` when the block ends without error."""
    with atomic_path(target) as tmp, open(tmp, mode, encoding="utf-8", newline="") as handle:
        yield handle


def write_text(target: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``target`` atomically."""
    with atomic_file(target) as handle:
        handle.write(text)
