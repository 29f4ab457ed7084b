"""The documentation site builds with warnings as errors, and has the pages it promises.

``mkdocs build --strict`` refuses any warning: a broken link or anchor, a page left
out of the nav, a docstring the API reference cannot read, a snippet whose file is
gone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from grievance_rules.packs import builtin_pack_names, find_pack

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = {
    "calendar": ["china", "WorkingCalendar", "Deadline"],
    "model": ["WorkOrder", "check_history", "Callback"],
    "reading": ["read_orders", "iter_orders", "ReadReport"],
    "packs": ["find_pack", "load_pack", "Pack"],
    # `evaluate` the function shares its name with its module: shown apart
    "engine": ["single.evaluate", "evaluate_many", "Assessment", "ClockFinding", "PackPlan"],
    "testing": [
        "assertions.assert_deadline",
        "scenarios.run_scenario",
        "pytest_plugin.ScenarioItem",
        "strategies.work_orders",
    ],
    "errors": ["GrievanceRulesError", "PackError"],
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}  # Material's banner, not a build warning
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = done.stdout + done.stderr
    assert done.returncode == 0, log
    assert "WARNING" not in log, log
    return out


def _page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_site_builds_strictly_with_every_section(site: Path) -> None:
    for page in [
        "getting-started",
        "model",
        "calendar",
        "clocks-and-findings",
        "packs",
        "scoring",
        "writing-a-pack",
        "glossary",
        "benchmarks",
    ]:
        assert (site / page / "index.html").is_file(), page
    assert (site / "index.html").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("name", builtin_pack_names())
def test_one_page_per_builtin_pack_generated_from_its_data(site: Path, name: str) -> None:
    html = _page(site, f"builtin-packs/{name}")
    pack = find_pack(name)
    assert pack.manifest.name in html
    for rule in pack.rules:
        assert rule.id in html
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f"builtin-packs/{name}/" in home  # in the nav of every page


def test_builtin_pack_pages_are_not_committed_copies() -> None:
    assert not (ROOT / "docs" / "builtin-packs").exists()
    assert not list((ROOT / "docs").glob("**/chengdong.md"))


@pytest.mark.slow
@pytest.mark.parametrize("module", sorted(REFERENCE))
def test_api_reference_page_per_public_subpackage(site: Path, module: str) -> None:
    html = _page(site, f"reference/{module}")
    for name in REFERENCE[module]:
        assert f'id="grievance_rules.{module}.{name}"' in html, name
    # docstring examples are code (not nested block quotes), Sphinx roles are code spans
    assert '<span class="gp">&gt;&gt;&gt; </span>' in html
    assert "<blockquote>\n<blockquote>" not in html
    for role in (":func:", ":class:", ":mod:"):
        assert role not in html


@pytest.mark.slow
def test_writing_a_pack_shows_the_example_pack_files(site: Path) -> None:
    html = _page(site, "writing-a-pack")
    assert "--8&lt;--" not in html
    for text in ("DXH-1.late-transfer", "late_transfer_points", "T-holiday"):
        assert text in html


@pytest.mark.slow
def test_every_benchmark_page_is_in_the_nav(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    for page in sorted((ROOT / "docs" / "benchmarks").glob("*.md")):
        assert f"benchmarks/{page.stem}/" in home, page.name


def test_getting_started_has_the_two_readme_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    page = (ROOT / "docs" / "getting-started.md").read_text(encoding="utf-8")
    commands = [line for line in readme.splitlines() if line.startswith("python3 -m venv")]
    assert len(commands) == 2
    for command in commands:
        assert command in page.splitlines(), f"docs/getting-started.md lacks: {command}"
