"""Writing output files so that a cut-off run never leaves a file that looks complete.

Every file a command writes goes to a temporary file beside it and is renamed into
place only when complete (``os.replace``, atomic on one file system): an
interrupted run leaves the old file, or none, never half of a new one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from grievance_rules.atomic import atomic_path

__all__ = ["REJECTED_EXIT", "atomic_file", "atomic_path", "write_text"]

REJECTED_EXIT = 1
"""The exit status of a command that ran to the end but rejected some records (as
``read`` does); a usage error exits 2."""


@contextlib.contextmanager
def atomic_file(target: str | Path, mode: str = "w") -> Iterator[IO[str]]:
    """A text file (UTF-8) written in place of ``target`` when the block ends without error."""
    with atomic_path(target) as tmp, open(tmp, mode, encoding="utf-8", newline="") as handle:
        yield handle


def write_text(target: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``target`` atomically."""
    with atomic_file(target) as handle:
        handle.write(text)
