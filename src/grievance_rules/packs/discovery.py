"""Finding packs: built-in, installed by other distributions, or a directory by path.

A name finds built-in and installed packs only; a path (a :class:`~pathlib.Path`, or
text with a ``/``) finds a directory, so ``./chengdong/`` in the current directory
never stands in for the built-in ``chengdong``. Each pack records where it was
found in :attr:`~grievance_rules.packs.Pack.origin`.

Other distributions offer packs through the entry-point group
``grievance_rules.packs``: the entry point's name is the pack id, its value the
dotted path of the pack directory inside the distribution
(``mypackage.packs.lakeside`` for ``mypackage/packs/lakeside/pack.yaml``).
The directory is located from the distribution's file list; nothing is
imported, so finding a pack never runs code from it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from grievance_rules.errors import ArgumentTypeError, PackNotFoundError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list
from grievance_rules.packs._builtin import builtin_packs_dir
from grievance_rules.packs.loader import Pack, load_pack

__all__ = ["ENTRY_POINT_GROUP", "PackLocation", "available_packs", "find_pack", "is_pack_path"]

ENTRY_POINT_GROUP = "grievance_rules.packs"


@dataclass(frozen=True)
class PackLocation:
    """Where a pack is: its name, its directory, and where it came from."""

    name: str
    directory: Path
    origin: str
    """``builtin``, ``entry point (distribution)`` or ``path``."""


def _entry_point_packs() -> list[PackLocation]:
    found = []
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = entry.dist
        if dist is None:
            continue
        directory = Path(str(dist.locate_file(entry.value.replace(".", "/"))))
        found.append(PackLocation(entry.name, directory, f"entry point ({dist.name})"))
    return found


def available_packs() -> list[PackLocation]:
    """Every pack that can be found by name: built-in first, then entry points."""
    root = builtin_packs_dir()
    builtin = [
        PackLocation(p.name, p, "builtin")
        for p in sorted(root.iterdir())
        if (p / "pack.yaml").is_file()
    ]
    names = {p.name for p in builtin}
    return builtin + [p for p in _entry_point_packs() if p.name not in names]


def find_pack(name_or_path: str | Path, *, strict: bool = False) -> Pack:
    """Load a pack by name (built-in or installed) or from a directory given by path.

    A name (a string without ``/`` or the system's separator) finds only built-in and
    installed packs, so a folder of the same name in the current directory never
    replaces one; a :class:`~pathlib.Path`, or a string with a separator
    (``./chengdong``, ``packs/lakeside``), is a directory. The pack records which in
    :attr:`~grievance_rules.packs.Pack.origin`.

    Raises:
        PackNotFoundError: no pack of that name, or no pack in that directory.
        PackError: the pack is broken.
        ArgumentTypeError: neither a name nor a path (``None``, a number).

    Example:
        >>> find_pack("daye").manifest.name
        '大冶市“民情通”统一诉求处办平台运行工作机制'
        >>> find_pack("daye").origin
        'builtin'
    """
    if not isinstance(name_or_path, str | os.PathLike):
        raise ArgumentTypeError(
            _("pack: a pack's name or folder, not {value}").format(value=repr(name_or_path)),
            parameter="pack",
            value=name_or_path,
        )
    if is_pack_path(name_or_path):
        path = Path(name_or_path)
        if not os.path.lexists(path / "pack.yaml"):
            raise PackNotFoundError(
                _("no policy pack in {path}: it has no pack.yaml").format(path=repr(str(path)))
            )
        return load_pack(path, strict=strict, origin="path")
    name = str(name_or_path)
    for location in available_packs():
        if location.name == name:
            return load_pack(location.directory, strict=strict, origin=location.origin)
    names = join_list(p.name for p in available_packs())
    hint = ""
    if os.path.lexists(Path(name) / "pack.yaml"):
        hint = _("; to load the folder {name} here, give it as a path: ./{folder}").format(
            name=repr(name), folder=name
        )
    raise PackNotFoundError(
        _("no policy pack {name}; available: {names}").format(name=repr(name), names=names) + hint
    )


def is_pack_path(name_or_path: str | Path) -> bool:
    """Whether :func:`find_pack` reads this as a directory (a Path, or text with a separator).

    Example:
        >>> is_pack_path("chengdong"), is_pack_path("./chengdong"), is_pack_path(Path("x"))
        (False, True, True)
    """
    if isinstance(name_or_path, Path):
        return True
    separators = {"/", os.sep} | ({os.altsep} if os.altsep else set())
    return any(sep in name_or_path for sep in separators)
