"""Finding policy packs: the built-in ones shipped with the library.

The built-in packs live in ``policies/`` at the top of the repository. A wheel
ships them inside the package (as ``grievance_rules/_builtin_packs``); a
checkout or an editable install reads them from ``policies/`` directly.

Example:
    >>> from grievance_rules.packs import builtin_pack_names
    >>> builtin_pack_names()
    ['chengdong', 'daye', 'xiayang']
"""

from __future__ import annotations

from pathlib import Path

from grievance_rules.errors import GrievanceRulesError

__all__ = ["PackNotFoundError", "builtin_pack_names", "builtin_packs_dir"]

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


class PackNotFoundError(GrievanceRulesError, LookupError):
    """No policy pack of that name, or no built-in packs at all."""


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
        f"no built-in policy packs: neither {shipped} (installed wheel) nor {checkout} "
        "(source checkout) exists"
    )


def builtin_pack_names() -> list[str]:
    """Names of the built-in packs: each folder with a ``pack.yaml`` manifest."""
    root = builtin_packs_dir()
    return sorted(p.name for p in root.iterdir() if (p / "pack.yaml").is_file())
