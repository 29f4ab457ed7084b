"""A scorecard's Parquet file: its rows, and the counts that explain them beside the rows."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from grievance_rules.errors import ReadError
from grievance_rules.i18n import language
from grievance_rules.reports.parquet import (
    SCORECARD_METADATA_KEY,
    scorecard_counts,
    scorecard_table,
    write_scorecard_parquet,
)
from grievance_rules.scoring import Scorecard


@pytest.mark.parametrize("card_name", ["sample_card", "hostile_card"])
def test_the_counts_beside_the_rows_are_the_cards(
    card_name: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    card: Scorecard = request.getfixturevalue(card_name)
    path = tmp_path / "card.parquet"
    write_scorecard_parquet(card, path)
    counts = scorecard_counts(path)
    # the scorecard's own JSON, read independently of the metadata's making
    whole = json.loads(card.model_dump_json())
    for key in ("pack", "period_kind", "as_of", "inputs", "assessed", "excluded", "rejected"):
        assert counts[key] == whole[key], key
    assert counts["unattributed"] == whole["unattributed"]
    assert set(counts) == {
        "pack", "period_kind", "as_of", "inputs", "assessed", "excluded", "rejected",
        "unattributed",
    }  # fmt: skip
    # what the counts are for: the rows' orders and those in no row add up to the assessed
    table = pq.read_table(path)
    assert sum(table.column("orders").to_pylist()) + counts["unattributed"]["orders"] == (
        card.assessed
    )
    assert counts["inputs"] == counts["assessed"] + counts["rejected"]
    assert scorecard_counts(scorecard_table(card)) == counts


def test_the_hostile_card_counts_its_rejection(hostile_card: Scorecard, tmp_path: Path) -> None:
    path = tmp_path / "card.parquet"
    write_scorecard_parquet(hostile_card, path)
    assert scorecard_counts(path)["rejected"] == 1  # BAD_INPUT
    raw = pq.read_schema(path).metadata[SCORECARD_METADATA_KEY]
    assert b"BAD-1" not in raw  # the rejections themselves are the JSON's, not the file's


def test_a_file_without_counts_is_refused_naming_it(tmp_path: Path) -> None:
    import pyarrow as pa

    plain = tmp_path / "plain.parquet"
    pq.write_table(pa.table({"unit": ["c07"]}), plain)
    with pytest.raises(ReadError, match=r"plain\.parquet holds no scorecard counts"):
        scorecard_counts(plain)
    not_parquet = tmp_path / "card.parquet"
    not_parquet.write_text("unit,score\n", encoding="utf-8")
    with pytest.raises(ReadError, match=r"card\.parquet cannot be read as Parquet"):
        scorecard_counts(not_parquet)
    with language("zh"), pytest.raises(ReadError, match="中没有计分表的统计数"):
        scorecard_counts(plain)
