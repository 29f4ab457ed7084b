"""Reports of scorecards and comparisons: Markdown, CSV, and one self-contained HTML page.

* :func:`scorecard_markdown`, :func:`comparison_markdown` — headings and tables
  (:mod:`grievance_rules.reports.markdown`).
* :func:`write_scorecard_csv`, :func:`write_comparison_csv` — one CSV per table,
  UTF-8 with a byte-order mark so that Excel opens the Chinese text correctly
  (:mod:`grievance_rules.reports.csv`).
* :func:`scorecard_html`, :func:`comparison_html` — one HTML file that needs no
  network to view, with charts as inline SVG: scores by unit and period,
  deadline outcomes by pack, where the packs diverge
  (:mod:`grievance_rules.reports.html`).

* :func:`~grievance_rules.reports.xlsx.scorecard_xlsx`,
  :func:`~grievance_rules.reports.xlsx.comparison_xlsx`,
  :class:`~grievance_rules.reports.xlsx.FindingsWorkbook` — Excel workbooks, one
  sheet per table (:mod:`grievance_rules.reports.xlsx`).

All of them build on the same tables (:mod:`grievance_rules.reports.tables`), so
the formats agree cell for cell, and the same input gives byte-identical
Markdown, CSV and HTML. Every report is in the current language, 简体中文 or
English (:mod:`grievance_rules.i18n`; ``lang=`` on each function), with units
by name and kind.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> from importlib.resources import files
    >>> from grievance_rules.reading import read_orders
    >>> from grievance_rules.scoring import compare
    >>> from grievance_rules.reports import comparison_html, comparison_markdown
    >>> from grievance_rules.reports import write_comparison_csv
    >>> orders = read_orders(files("grievance_rules") / "samples" / "orders.jsonl").orders
    >>> result = compare(orders, ["chengdong", "daye"])
    >>> comparison_markdown(result).splitlines()[0]
    '# Comparison: chengdong@2024 · daye@2023-05-19'
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths = write_comparison_csv(result, folder)
    ...     _ = (Path(folder) / "report.html").write_text(comparison_html(result), "utf-8")
    ...     [path.name for path in paths][:3]
    ['counts.csv', 'outcomes.csv', 'divergences.csv']
    >>> comparison_html(result) == comparison_html(result)
    True
"""

from __future__ import annotations

from grievance_rules.reports.csv import (
    COMPARISON_TABLES,
    SCORECARD_TABLES,
    write_comparison_csv,
    write_scorecard_csv,
)
from grievance_rules.reports.html import comparison_html, scorecard_html
from grievance_rules.reports.markdown import comparison_markdown, scorecard_markdown
from grievance_rules.reports.tables import Table, comparison_tables, scorecard_tables

__all__ = [
    "COMPARISON_TABLES",
    "SCORECARD_TABLES",
    "Table",
    "comparison_html",
    "comparison_markdown",
    "comparison_tables",
    "scorecard_html",
    "scorecard_markdown",
    "scorecard_tables",
    "write_comparison_csv",
    "write_scorecard_csv",
]
