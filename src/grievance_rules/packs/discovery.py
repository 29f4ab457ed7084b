"""Finding packs: built-in, installed by other distributions, or a directory by path.

Other distributions offer packs through the entry-point group
``grievance_rules.packs``: the entry point's name is the pack id, its value the
dotted path of the pack directory inside the distribution
(``mypackage.packs.lakeside`` for ``mypackage/packs/lakeside/pack.yaml``).
The directory is located from the distribution's file list; nothing is
imported, so finding a pack never runs code from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from grievance_rules.errors import PackNotFoundError
from grievance_rules.packs._builtin import builtin_packs_dir
from grievance_rules.packs.loader import Pack, load_pack

__all__ = ["ENTRY_POINT_GROUP", "PackLocation", "available_packs", "find_pack"]

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
    """Load a pack by name (built-in or installed) or from a directory.

    Raises:
        PackNotFoundError: no pack of that name and no such directory.
        PackError: the pack is broken.

    Example:
        >>> find_pack("daye").manifest.name
        '大冶市“民情通”统一诉求处办平台运行工作机制'
    """
    path = Path(name_or_path)
    if (path / "pack.yaml").is_file():
        return load_pack(path, strict=strict)
    for location in available_packs():
        if location.name == str(name_or_path):
            return load_pack(location.directory, strict=strict)
    names = ", ".join(p.name for p in available_packs())
    raise PackNotFoundError(f"no policy pack {str(name_or_path)!r}; available: {names}")
