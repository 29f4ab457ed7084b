"""Files written whole or not at all: a temporary file beside the target, renamed when complete.

``os.replace`` is atomic on one file system: an interrupted run leaves the old
file, or none, never half of a new one. The CLI's outputs, the report and table
writers and the Parquet writers all write through :func:`atomic_path`, or through
:func:`temporary_beside` and :func:`put_in_place` when the file is written in steps.

A target that is a symbolic link is written through: the file it points to is
replaced, the link kept. A target that exists and is no regular file (``/dev/null``,
a named pipe, a terminal) is written into, not replaced: it stays what it is, and the
write is then not atomic (a device or pipe has no old contents to keep).

The file put in place has the permissions a file created in the ordinary way would
have: a new file the process's umask applied to ``rw-rw-rw-`` (``0o644`` under the
usual umask ``022``), a file replaced the permissions it had. (A temporary file from
:func:`tempfile.mkstemp` is readable by its owner only; renamed into place as it is,
a report in a shared folder, or a Parquet dataset read by another user's Dask
workers, could be read by no one else.)
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path", "put_in_place", "temporary_beside"]

_ATTEMPTS = 100


def temporary_beside(target: str | os.PathLike[str]) -> Path:
    """A new, empty temporary file in ``target``'s folder, named after it (``.NAME.*.part``).

    It is created as :func:`open` creates a file (``0o666`` less the umask), so that
    :func:`put_in_place` can rename it into place with ordinary permissions.

    Raises:
        FileExistsError: no free name was found (after 100 random names).
        OSError: the folder cannot be written.
    """
    target = _real(target)
    folder = target.parent if not _written_into(target) else Path(tempfile.gettempdir())
    for _ in range(_ATTEMPTS):
        candidate = folder / f".{target.name}.{secrets.token_hex(6)}.part"
        try:
            handle = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:  # no such folder, or none writable: said of the target
            raise type(exc)(exc.errno, exc.strerror, os.fspath(target)) from None
        os.close(handle)
        return candidate
    raise FileExistsError(f"no free temporary name beside {target}")


def put_in_place(temporary: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Rename a complete temporary file to ``target``, keeping the permissions ``target`` had.

    Raises:
        OSError: the rename failed (the temporary file is left for the caller).
    """
    target = _real(target)
    if _written_into(target):  # a device or a pipe: its contents written, it stays
        with open(temporary, "rb") as source, open(target, "wb") as sink:
            shutil.copyfileobj(source, sink)
        os.unlink(temporary)
        return
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        pass  # a new file: it keeps the permissions it was created with
    else:
        os.chmod(temporary, mode)
    os.replace(temporary, target)


def _real(target: str | os.PathLike[str]) -> Path:
    """The path a target names, through any symbolic links (a link is written through)."""
    return Path(os.path.realpath(target))


def _written_into(target: Path) -> bool:
    """Whether ``target`` exists and is neither a regular file nor a folder (a device)."""
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


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
    tmp = temporary_beside(target)
    try:
        yield tmp
        put_in_place(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
