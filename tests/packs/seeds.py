"""The source documents the built-in packs quote, and the passages a pack quotes from them.

Shared by the tests that hold a pack to its documents (test_builtin_packs for every
pack, test_chengdong_fidelity for chengdong's spacing and clause filing).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from grievance_rules.packs import Pack

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
"""The source documents (and CLAUSES.md, the checklist), beside the repository."""

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"source documents not at {SEEDS}")


def quoted_passages(pack: Pack) -> Iterator[tuple[str, str]]:
    """(file name, passage) for each passage a pack's YAML quotes in 「」, scenarios aside.

    A quote leaving words out (「…」) gives each of its parts, empty parts left out.
    """
    for path in sorted(pack.directory.rglob("*.yaml")):
        if "scenarios" in path.parts:
            continue
        for quote in re.findall(r"「([^」]+)」", path.read_text(encoding="utf-8")):
            for part in quote.split("…"):
                if part:
                    yield path.name, part


@cache
def checklist() -> tuple[tuple[str, str], ...]:
    """(clause id, the clause as the document numbers it) for each row of CLAUSES.md."""
    text = (SEEDS / "CLAUSES.md").read_text(encoding="utf-8")
    return tuple(re.findall(r"^\| ([A-Z]{2}-[A-Za-z0-9.]+) \| ([^|]+) \|", text, re.MULTILINE))
