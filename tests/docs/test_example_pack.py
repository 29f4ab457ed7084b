"""The example pack of docs/writing-a-pack.md: valid, cited verbatim, fully exercised.

Its scenarios run as tests on their own (pytest collects ``docs/example-pack/scenarios``);
these check what the page says of the pack.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grievance_rules.packs import find_pack
from grievance_rules.testing.scenarios import pack_coverage

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "docs" / "example-pack"
SEEDS = ROOT.parent / "shared" / "seeds"


def test_example_pack_loads_strictly() -> None:
    pack = find_pack(PACK, strict=True)
    assert pack.id == "dongxihu"
    assert pack.flags == ()
    assert {rule.kind for rule in pack.rules} == {"clock", "deduction", "escalation"}


def test_every_rule_exercised_and_every_time_limit_seen_on_both_sides() -> None:
    coverage = pack_coverage(PACK)
    assert [r.report() for r in coverage.failed] == []
    assert coverage.unexercised == []
    assert coverage.one_sided == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"source documents not at {SEEDS}")
def test_every_citation_quotes_its_source_verbatim() -> None:
    pack = find_pack(PACK)
    citations = [rule.citation for rule in pack.rules] + [
        dated.citation
        for parameter in pack.parameters.values()
        for dated in parameter.values
        if dated.citation is not None
    ]
    for citation in citations:
        source = re.sub(r"\s+", "", (SEEDS / citation.source).read_text(encoding="utf-8"))
        assert re.sub(r"\s+", "", citation.text) in source, citation.text
