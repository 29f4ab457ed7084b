import re

from click.testing import CliRunner

from grievance_rules.cli import cli


def test_demo_compares_a_month_of_sample_orders_and_writes_the_report(tmp_path) -> None:
    html = tmp_path / "out" / "demo.html"
    result = CliRunner().invoke(cli, ["demo", "--orders", "120", "--html", str(html)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "120 sample orders of one street received in May 2024" in out
    # each pack's totals, with the counts of clocks by state
    lines = out.splitlines()
    header = next(k for k, line in enumerate(lines) if line.split()[:2] == ["pack", "orders"])
    rows = {line.split()[0]: line.split()[1:] for line in lines[header + 1 : header + 4]}
    assert set(rows) == {"chengdong", "xiayang", "daye"}
    # orders assessed and orders excluded from assessment make the 120 (none rejected)
    assert all(int(cells[0]) + int(cells[1]) == 120 for cells in rows.values())
    assert int(rows["xiayang"][6]) == 0  # xiayang's document sets no points
    assert "Where the packs disagree" in out
    assert re.search(r"clock\s+reply\s+chengdong \w+ \| xiayang", out)
    # the lowest community, with a clause quoted from each side of one disagreement
    assert re.search(r"c\d\d\s+\S+\s+-?\d+(\.5)?\s+1\d/17", out)
    assert "「" in out
    assert "order 24" in out
    assert f"no network needed): {html}" in out
    text = html.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert "chengdong@2024" in text
    assert html.with_suffix(".md").read_text(encoding="utf-8").startswith("# Comparison")


def test_demo_is_deterministic(tmp_path) -> None:
    runs = [
        CliRunner().invoke(cli, ["demo", "--orders", "40", "--html", str(tmp_path / f"{k}.html")])
        for k in range(2)
    ]
    assert runs[0].exit_code == 0, runs[0].output
    first, second = (
        r.output.replace(str(tmp_path), "").replace(f"/{k}.", "/K.") for k, r in enumerate(runs)
    )
    assert first == second
    assert (tmp_path / "0.html").read_bytes() == (tmp_path / "1.html").read_bytes()
