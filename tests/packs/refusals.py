"""The error a broken pack raises, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from grievance_rules.errors import PackError
from grievance_rules.i18n import language
from grievance_rules.packs import load_pack


def refusals(pack: Path) -> tuple[PackError, PackError]:
    """The error loading ``pack`` raises, in English and in Chinese."""
    with language("en"), pytest.raises(PackError) as english:
        load_pack(pack)
    with language("zh"), pytest.raises(PackError) as chinese:
        load_pack(pack)
    return english.value, chinese.value
