"""Where the built-in packs are, in a wheel or in a checkout."""

from __future__ import annotations

from pathlib import Path

from grievance_rules.errors import PackNotFoundError
from grievance_rules.i18n import gettext as _

__all__ = ["builtin_pack_names", "builtin_packs_dir"]

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def builtin_packs_dir() -> Path:
    """The folder holding the built-in packs, in a wheel or in a checkout.

    Raises:
        PackNotFoundError: neither location exists (a broken installation).
    """
    shipped = _PACKAGE_ROOT / "_builtin_packs"
    if shipped.is_dir():
        return shipped
    checkout = _PACKAGE_ROOT.parent.parent / "policies"
    if checkout.is_dir():
        return checkout
    raise PackNotFoundError(
        _(
            "no built-in policy packs: neither {shipped} (installed wheel) nor {checkout} "
            "(source checkout) exists"
        ).format(shipped=shipped, checkout=checkout)
    )


def builtin_pack_names() -> list[str]:
    """Names of the built-in packs: each folder with a ``pack.yaml`` manifest."""
    root = builtin_packs_dir()
    return sorted(p.name for p in root.iterdir() if (p / "pack.yaml").is_file())
