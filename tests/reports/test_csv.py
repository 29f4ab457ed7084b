"""CSV reports: UTF-8 with BOM on disk, one file per table, atomic values that read back."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from grievance_rules.reports import (
    COMPARISON_TABLES,
    write_comparison_csv,
    write_scorecard_csv,
)
from grievance_rules.scoring import RATES, score
from tests.reports.conftest import HOSTILE_UNIT
from tests.scoring.orders import answered_online, order, undispatched

BOM = b"\xef\xbb\xbf"


def _read(path):
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def _number(text):
    return None if text == "" else float(text)


def test_scorecard_csv_file_has_a_bom_and_reads_back_as_the_scorecard(sample_card, tmp_path):
    path = tmp_path / "card.csv"
    write_scorecard_csv(sample_card, path)
    raw = path.read_bytes()
    assert raw.startswith(BOM)
    assert b"\r\n" in raw
    rows = _read(path)
    assert len(rows) == len(sample_card.rows)
    for line, row in zip(rows, sample_card.rows, strict=True):
        assert (line["period"], line["unit"], line["unit_kind"]) == (
            row.period,
            row.unit,
            row.unit_kind,
        )
        assert float(line["score"]) == row.score
        assert float(line["points"]) == row.points
        assert int(line["place"]) == row.rank
        assert int(line["peers"]) == row.peers
        assert int(line["orders"]) == row.orders
        for definition in RATES:
            rate = row.rates[definition.name]
            value = _number(line[definition.name])
            assert value == (None if rate.value is None else pytest.approx(rate.value, abs=1e-6))
            if definition.name != "three_rates":
                assert float(line[f"{definition.name}_n"]) == rate.numerator
                assert int(line[f"{definition.name}_d"]) == rate.denominator
        assert line["findings"] == "; ".join(finding.rule_id for finding in row.findings)


def test_scorecard_csv_to_a_stream_has_no_bom(sample_card):
    out = io.StringIO()
    write_scorecard_csv(sample_card, out)
    assert not out.getvalue().startswith("\ufeff")
    assert out.getvalue().startswith("pack,period,")


def test_scorecard_findings_table_quotes_the_clauses(sample_card, tmp_path):
    path = tmp_path / "findings.csv"
    write_scorecard_csv(sample_card, path, table="findings")
    rows = _read(path)
    findings = sample_card.findings()
    assert [(r["unit"], r["rule_id"], r["clause"], r["quote"]) for r in rows] == [
        (f.unit, f.rule_id, f.citation.clause, f.citation.text) for f in findings
    ]


def test_unknown_scorecard_table_is_refused_with_the_choices(sample_card):
    with pytest.raises(ValueError, match=r"unknown scorecard table 'unit'; one of .*units"):
        write_scorecard_csv(sample_card, io.StringIO(), table="unit")


def test_comparison_writes_one_file_per_table_into_a_directory(sample_comparison, tmp_path):
    cmp = sample_comparison
    paths = write_comparison_csv(cmp, tmp_path)
    assert [p.name for p in paths] == [f"{name}.csv" for name in COMPARISON_TABLES]
    assert all(p.read_bytes().startswith(BOM) for p in paths)
    tables = {p.stem: _read(p) for p in paths}
    assert [r["pack"] for r in tables["outcomes"]] == list(cmp.packs)
    for line, outcome in zip(tables["outcomes"], cmp.outcomes, strict=True):
        assert int(line["clocks_breached"]) == outcome.clocks.get("breached", 0)
        assert float(line["points"]) == outcome.points
    assert len(tables["divergences"]) == len(cmp.divergences)
    for line, count in zip(tables["divergences"], cmp.divergences, strict=True):
        assert tuple(line[pack] for pack in cmp.packs) == count.pattern
        assert int(line["orders"]) == count.orders
    sides = [
        (e.order_id, d.topic, s.pack, s.outcome, ", ".join(s.rule_ids))
        for e in cmp.examples
        for d in e.divergences
        for s in d.sides
    ]
    assert [
        (r["order_id"], r["topic"], r["pack"], r["outcome"], r["rule_ids"])
        for r in tables["examples"]
    ] == sides
    for line, entry in zip(tables["unit_scores"], cmp.unit_scores(), strict=True):
        assert (line["period"], line["unit"]) == (entry["period"], entry["unit"])
        assert [_number(line[p]) for p in cmp.packs] == [entry.get(p) for p in cmp.packs]
    assert len(tables["scorecards"]) == sum(len(card.rows) for card in cmp.scorecards)
    assert tables["rejections"] == []


def test_comparison_with_a_prefix_names_the_files_after_it(hostile_comparison, tmp_path):
    paths = write_comparison_csv(hostile_comparison, tmp_path / "may")
    assert [p.name for p in paths] == [f"may-{name}.csv" for name in COMPARISON_TABLES]
    rejections = _read(tmp_path / "may-rejections.csv")
    assert [r["order_id"] for r in rejections] == ["BAD-1"]
    assert "received_at" in rejections[0]["reasons"]
    counts = _read(tmp_path / "may-counts.csv")
    for line in counts:
        assert int(line["inputs"]) == 3
        assert int(line["inputs"]) == sum(
            int(line[k]) for k in ("assessed", "excluded", "rejected")
        )


def test_text_a_spreadsheet_would_run_as_a_formula_is_quoted_numbers_are_not(hostile_card):
    out = io.StringIO()
    write_scorecard_csv(hostile_card, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    units = [r["unit"] for r in rows]
    assert "'" + HOSTILE_UNIT in units
    assert HOSTILE_UNIT not in units
    hostile = next(r for r in rows if r["unit"] == "'" + HOSTILE_UNIT)
    row = hostile_card.row(HOSTILE_UNIT, hostile["period"])
    assert row.points < 0
    assert hostile["points"].startswith("-")
    assert float(hostile["points"]) == row.points


def test_same_comparison_gives_byte_identical_files(sample_comparison, tmp_path):
    first = write_comparison_csv(sample_comparison, tmp_path / "a")
    second = write_comparison_csv(sample_comparison, tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_the_counts_table_has_the_assessed_orders_in_no_units_row():
    may = dt.date(2024, 5, 6)
    card = score(
        [
            order("u1", "c01", may),
            answered_online("online", may),
            undispatched("out", may, flags=("transferred_out",)),
        ],
        "chengdong",
    )
    out = io.StringIO()
    write_scorecard_csv(card, out, table="counts")
    [line] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {k: line[k] for k in ("inputs", "assessed", "excluded", "rejected")} == {
        "inputs": "3",
        "assessed": "3",
        "excluded": "0",
        "rejected": "0",
    }
    assert line["unattributed"] == "2"  # answered online, transferred out: not c01's
    out = io.StringIO()
    write_scorecard_csv(card, out, table="counts", headers="labels", lang="zh")
    assert "已测评但不计入任何单位" in out.getvalue().splitlines()[0]
