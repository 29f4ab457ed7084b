"""A pytest plugin that collects the scenario files of policy packs.

Registered through the ``pytest11`` entry point, so installing grievance-rules
is enough: any ``scenarios/*.yaml`` file in a folder beside a pack's ``pack.yaml``
(one naming the pack's ``id`` and ``sources``) is collected, one test per case,
whether the pack is built in or a user's own. A failing case shows the expected
and actual findings side by side with the citations of the rules involved.

It imports nothing of grievance-rules at start-up beyond the package itself
(whose ``__init__`` imports the calendar); the scenario reader is imported when
the first scenario file is collected, the engine when the first case runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

__all__ = ["ScenarioFile", "ScenarioItem", "pytest_collect_file"]


def _is_scenario_file(path: Path) -> bool:
    return (
        path.suffix in (".yaml", ".yml")
        and path.parent.name == "scenarios"
        and _is_pack_manifest(path.parent.parent / "pack.yaml")
    )


_MANIFEST_KEYS = re.compile(rb"^(id|sources):", re.MULTILINE)


def _is_pack_manifest(path: Path) -> bool:
    """Whether ``path`` is a policy pack's ``pack.yaml``: one naming ``id`` and ``sources``.

    Another project's ``pack.yaml`` beside a ``scenarios/`` folder of its own is left
    alone (collecting it broke that project's test run).
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(_MANIFEST_READ)
    except OSError:  # (no such file, or a folder)
        return False
    return {match.group(1) for match in _MANIFEST_KEYS.finditer(head)} == {b"id", b"sources"}


_MANIFEST_READ = 65_536
"""The bytes of a ``pack.yaml`` read to tell whether it is a pack's (its keys come first)."""


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect a pack's scenario file."""
    if _is_scenario_file(file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioMismatchError(Exception):
    """A scenario whose findings differ from what it expects."""


class ScenarioFile(pytest.File):
    """One scenario file: one item per case."""

    def collect(self) -> Iterator[ScenarioItem]:
        """The file's cases; a file not in the format is a collection error saying why."""
        from grievance_rules.testing.scenarios import ScenarioFileError, load_scenarios

        try:
            cases = load_scenarios(self.path)
        except ScenarioFileError as exc:
            raise self.CollectError(str(exc)) from None
        for case in cases:
            yield ScenarioItem.from_parent(self, name=case.name, case=case)


class ScenarioItem(pytest.Item):
    """One scenario case."""

    def __init__(self, *, case: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        """Evaluate the case; fail with the side-by-side report."""
        from grievance_rules.testing.scenarios import run_scenario

        result = run_scenario(self.case)
        if not result.passed:
            raise ScenarioMismatchError(result.report())

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        """The report, not a traceback, for a scenario that failed or a refused order or pack."""
        from grievance_rules.errors import GrievanceRulesError

        if isinstance(excinfo.value, ScenarioMismatchError | GrievanceRulesError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the case is."""
        line = self.case.line
        return self.path, None if line is None else line - 1, f"scenario: {self.name}"
