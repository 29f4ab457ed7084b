"""Policy packs: a jurisdiction's rules as data, loaded, validated and found.

A pack is a directory: ``pack.yaml`` (the manifest), ``parameters.yaml`` (dated
parameters) and rule files (``rules/*.yaml``). Loading never executes code from
it. The built-in packs live in ``policies/`` at the top of the repository; a
wheel ships them inside the package.

Example:
    >>> from grievance_rules.packs import builtin_pack_names, find_pack
    >>> builtin_pack_names()
    ['chengdong', 'daye', 'xiayang']
    >>> find_pack("xiayang").manifest.jurisdiction
    '上海市青浦区夏阳街道'
"""

from __future__ import annotations

from grievance_rules.errors import PackError, PackNotFoundError
from grievance_rules.packs._builtin import builtin_pack_names, builtin_packs_dir
from grievance_rules.packs.discovery import (
    ENTRY_POINT_GROUP,
    PackLocation,
    available_packs,
    find_pack,
    is_pack_path,
)
from grievance_rules.packs.loader import Pack, load_pack

__all__ = [
    "ENTRY_POINT_GROUP",
    "Pack",
    "PackError",
    "PackLocation",
    "PackNotFoundError",
    "available_packs",
    "builtin_pack_names",
    "builtin_packs_dir",
    "find_pack",
    "is_pack_path",
    "load_pack",
]
