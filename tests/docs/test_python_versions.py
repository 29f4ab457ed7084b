"""The Python versions the set-up pages name are the ones the package declares."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _declared() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    prefix = "Programming Language :: Python :: "
    return [c[len(prefix) :] for c in project["classifiers"] if c.startswith(prefix)]


def test_getting_started_names_every_declared_python_version_and_refuses_none():
    first = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8").split("\n\n")[1]
    named = re.findall(r"\b3\.1\d\b", first.split("(")[0])  # before the aside on the backend
    assert named == _declared() == ["3.11", "3.12", "3.13"]
    assert "not 3.13" not in first
