"""pyarrow, imported only when a columnar table is asked for as Arrow.

The base install has numpy but not pyarrow; everything in this package works on
numpy arrays, and only the ``to_arrow`` methods need pyarrow
(``pip install 'grievance-rules[columnar]'``).
"""

from __future__ import annotations

import importlib
from types import ModuleType

from grievance_rules.errors import GrievanceRulesError
from grievance_rules.i18n import gettext as _

__all__ = ["MissingExtraError", "require_pyarrow"]


class MissingExtraError(GrievanceRulesError, ImportError):
    """An optional dependency is not installed; the message names the extra."""


def require_pyarrow() -> ModuleType:
    """The ``pyarrow`` module, or a clear error naming the ``columnar`` extra.

    Raises:
        MissingExtraError: pyarrow is not installed.
    """
    try:
        return importlib.import_module("pyarrow")
    except ImportError as exc:  # pragma: no cover - the test environment has pyarrow
        raise MissingExtraError(
            _("Arrow tables need pyarrow: pip install 'grievance-rules[columnar]'")
        ) from exc
