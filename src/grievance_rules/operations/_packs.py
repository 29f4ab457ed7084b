"""The pack an operation is given: a loaded pack, its plan, or a name or folder."""

from __future__ import annotations

from pathlib import Path

from grievance_rules.engine import PackPlan, plan_for
from grievance_rules.packs import Pack

__all__ = ["loaded_pack"]


def loaded_pack(pack: Pack | PackPlan | str | Path) -> Pack:
    """The pack itself; a name or folder loaded once (:func:`plan_for` keeps it).

    Loading a pack by name on every call took 20 times what the work did (a watch
    list of a few orders by name: 72 ms, with the loaded pack 3.3 ms).

    Raises:
        PackNotFoundError: no pack of that name, or no pack in that folder.
        ArgumentTypeError: neither a pack, a plan, a name nor a folder.
    """
    if isinstance(pack, Pack):
        return pack
    if isinstance(pack, PackPlan):
        return pack.pack
    return plan_for(pack).pack
