"""Griffe extension: read the project's docstrings as the API reference should show them.

The docstrings are Google style, read by ``pydocstyle``/ruff and run by doctest.
Two habits of theirs need a word to mkdocstrings:

* ``Example:`` (singular) is the section title ruff's Google convention knows;
  griffe treats only ``Examples:`` as an examples section (``>>>`` lines as code)
  and renders ``Example:`` as an admonition whose ``>>>`` lines become nested
  block quotes. The title is read as ``Examples:``.
* Sphinx roles (``:func:`evaluate```, ``:mod:`~grievance_rules.model.terms```)
  mean nothing in Markdown; they are read as code spans (the last dotted part
  where the target starts with ``~``, as Sphinx shows it).

The docstrings themselves are not changed; mkdocs.yml lists this file under the
python handler's ``extensions``.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_EXAMPLE_TITLE = re.compile(r"^(?P<indent>[ \t]*)Example:[ \t]*$", re.MULTILINE)
_SPHINX_ROLE = re.compile(
    r":(?:func|class|mod|meth|attr|data|exc|obj):`(?P<tilde>~?)(?P<target>[^`]+)`"
)


def _role_as_code(match: re.Match[str]) -> str:
    target = match["target"]
    if match["tilde"]:
        target = target.rsplit(".", 1)[-1]
    return f"`{target}`"


def rewrite_docstring(text: str) -> str:
    r"""The docstring as the reference reads it.

    Example:
        >>> rewrite_docstring("See :func:`~a.b.run`.\n\nExample:\n    >>> 1\n    1")
        'See `run`.\n\nExamples:\n    >>> 1\n    1'
    """
    return _SPHINX_ROLE.sub(_role_as_code, _EXAMPLE_TITLE.sub(r"\g<indent>Examples:", text))


class ProjectDocstrings(griffe.Extension):
    """Rewrites each docstring with :func:`rewrite_docstring` as griffe loads it."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Rewrite the docstring of every object griffe loads."""
        if obj.docstring is not None:
            obj.docstring.value = rewrite_docstring(obj.docstring.value)
