"""The wheel ships the built-in packs and the calendar data, found at run time."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    (path,) = out.glob("grievance_rules-*.whl")
    return path


@pytest.mark.slow
def test_wheel_contains_packs_and_calendar_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for pack in ("chengdong", "xiayang", "daye"):
        assert f"grievance_rules/_builtin_packs/{pack}/pack.yaml" in names
    assert "grievance_rules/calendar/data/china/2026.toml" in names
    assert "grievance_rules/calendar/data/china/projection.toml" in names
    assert "grievance_rules/py.typed" in names


@pytest.mark.slow
def test_installed_wheel_finds_its_packs_without_the_checkout(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    code = (
        "import grievance_rules, datetime as dt; "
        "from grievance_rules.packs import builtin_packs_dir, builtin_pack_names; "
        "print(grievance_rules.__file__); print(builtin_packs_dir()); print(builtin_pack_names()); "
        "print(grievance_rules.china().add_working_days(dt.date(2026, 2, 15), 1))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(target), "PATH": ""},
        cwd=tmp_path,
    )
    module, packs_dir, names, day = result.stdout.splitlines()
    assert module.startswith(str(target))
    assert packs_dir == str(target / "grievance_rules" / "_builtin_packs")
    assert names == "['chengdong', 'daye', 'xiayang']"
    assert day == "2026-02-24"


@pytest.mark.slow
def test_the_base_install_needs_no_durable_rules_and_no_upper_python_bound(wheel: Path) -> None:
    (metadata,) = [
        n for n in zipfile.ZipFile(wheel).namelist() if n.endswith(".dist-info/METADATA")
    ]
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "Requires-Python: >=3.11\n" in text
    requires = [line for line in text.splitlines() if line.startswith("Requires-Dist:")]
    durable = [line for line in requires if "durable-rules" in line]
    assert durable, "durable-rules is offered as an extra"
    for line in durable:  # only ever through an extra, and never on 3.13
        assert "extra ==" in line
        assert 'python_version < "3.13"' in line or "python_version < '3.13'" in line
    assert "Provides-Extra: durable" in text
