"""Files written whole or not at all: a temporary file beside the target, renamed when complete.

``os.replace`` is atomic on one file system: an interrupted run leaves the old
file, or none, never half of a new one. The CLI's outputs and the report and
table writers all write through :func:`atomic_path`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path"]


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
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
