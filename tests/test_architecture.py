"""The package's layers: a module imports only its own layer and the layers below it.

The contract is ``[tool.importlinter]`` in pyproject.toml (import-linter's ``layers``
contract, imports inside functions counted too). These tests run it, check that it
names every module of the package, and that it does refuse an import upwards. Two
more contracts there keep the layers inside two subpackages: the Parquet reader over
its cells over its layout, and the columnar rule kernels over the conditions they judge.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "grievance_rules"


def _layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = (
        contract
        for contract in config["tool"]["importlinter"]["contracts"]
        if contract.get("containers") == ["grievance_rules"]
    )
    return [[name.strip() for name in re.split(r"[|:]", layer)] for layer in contract["layers"]]


def _lint(pyproject: Path, source: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` over the package found in ``source`` (first on the path)."""
    env = {**os.environ, "PYTHONPATH": str(source)}
    script = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports("
    script += f"config_filename={str(pyproject)!r}, no_cache=True, no_logo=True))"
    return subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=source
    )


def test_every_module_of_the_package_is_in_one_layer() -> None:
    named = [name for layer in _layers() for name in layer]
    assert len(named) == len(set(named))
    modules = {
        path.stem if path.is_file() else path.name
        for path in PACKAGE.iterdir()
        if (path.suffix == ".py" and path.stem not in ("__init__", "__main__"))
        or (path.is_dir() and (path / "__init__.py").exists())
    }
    assert set(named) == modules


@pytest.mark.slow
def test_lower_layers_never_import_higher_ones() -> None:
    found = _lint(ROOT / "pyproject.toml", ROOT / "src")
    assert found.returncode == 0, found.stdout + found.stderr
    assert "Contracts: 3 kept, 0 broken." in found.stdout


def _lint_with_import(tmp_path: Path, module: str, imported: str) -> str:
    """``lint-imports`` over a copy of the package whose ``module`` (a path) imports another.

    Returns its report, after checking that it found a contract broken.
    """
    shutil.copytree(PACKAGE, tmp_path / "src" / "grievance_rules")
    source = tmp_path / "src" / "grievance_rules" / module
    source.write_text(
        source.read_text(encoding="utf-8") + "\n\ndef _upwards() -> None:\n"
        f"    import {imported}  # noqa: F401\n",
        encoding="utf-8",
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    found = _lint(tmp_path / "pyproject.toml", tmp_path / "src")
    assert found.returncode == 1, found.stdout + found.stderr
    return found.stdout


@pytest.mark.slow
def test_an_import_upwards_is_refused(tmp_path: Path) -> None:
    """A copy of the package whose calendar imports the CLI breaks the contract."""
    report = _lint_with_import(tmp_path, "calendar/days.py", "grievance_rules.cli")
    # (the other two contracts break too: their modules reach the CLI through the calendar)
    assert "Lower layers never import higher ones BROKEN" in report
    assert "grievance_rules.calendar.days -> grievance_rules.cli" in report


@pytest.mark.slow
def test_the_parquet_layout_importing_the_reader_is_refused(tmp_path: Path) -> None:
    """A copy of the package whose Parquet layout imports the reader breaks its contract."""
    report = _lint_with_import(
        tmp_path, "reading/parquet_layout.py", "grievance_rules.reading.parquet"
    )
    assert "Contracts: 2 kept, 1 broken." in report
    assert "The Parquet reader reads cells of the layout BROKEN" in report
    assert "grievance_rules.reading.parquet_layout -> grievance_rules.reading.parquet" in report
