"""MkDocs hook: one page per built-in policy pack, rendered from the pack's data.

Each page is what ``grievance-rules packs readme NAME`` prints
(:func:`grievance_rules.packs.readme.render_readme`), generated at build time and
never committed as a copy. The pages are added to the nav section titled
``Built-in packs`` (empty in ``mkdocs.yml``), one entry per pack in
``builtin_pack_names()`` order, so a new built-in pack gets its page without an
edit here.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from grievance_rules.packs import builtin_pack_names, find_pack
from grievance_rules.packs.readme import render_readme

NAV_SECTION = "Built-in packs"
PAGES_DIR = "builtin-packs"


def pack_page_path(name: str) -> str:
    """The site path of a built-in pack's page, relative to ``docs_dir``.

    Example:
        >>> pack_page_path("daye")
        'builtin-packs/daye.md'
    """
    return f"{PAGES_DIR}/{name}.md"


def _nav_section(nav: list[Any]) -> list[Any]:
    for item in nav:
        if isinstance(item, dict) and NAV_SECTION in item:
            section = item[NAV_SECTION]
            if isinstance(section, list):
                return section
    raise ValueError(f"mkdocs.yml: the nav needs a section {NAV_SECTION!r} (a list)")


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Fill the ``Built-in packs`` nav section with one entry per built-in pack."""
    section = _nav_section(config.nav or [])
    section[:] = [{name: pack_page_path(name)} for name in builtin_pack_names()]
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated pack pages to the site's files."""
    for name in builtin_pack_names():
        content = render_readme(find_pack(name))
        files.append(File.generated(config, pack_page_path(name), content=content))
    return files
