"""MkDocs hook: every page in ``docs/benchmarks/`` is listed under ``Benchmarks``.

The benchmark scripts write their own pages, and a new script brings a new page;
listing the folder here keeps the nav complete without an edit to ``mkdocs.yml``
(whose strict build refuses a page left out of the nav).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

NAV_SECTION = "Benchmarks"
SUMMARY = "benchmarks.md"
FOLDER = "benchmarks"


def benchmark_entries(docs_dir: Path) -> list[str]:
    """The summary page, then each benchmark page in name order."""
    pages = sorted(p.relative_to(docs_dir).as_posix() for p in (docs_dir / FOLDER).glob("*.md"))
    return [SUMMARY, *pages]


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Fill the ``Benchmarks`` nav section."""
    for item in config.nav or []:
        if isinstance(item, dict) and isinstance(item.get(NAV_SECTION), list):
            item[NAV_SECTION][:] = benchmark_entries(Path(config.docs_dir))
            return config
    raise ValueError(f"mkdocs.yml: the nav needs a section {NAV_SECTION!r} (a list)")
