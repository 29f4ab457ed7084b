"""Each pack in broken/ is refused with the error its expect.yaml names."""

from pathlib import Path

import pytest
import yaml

from grievance_rules.errors import PackError
from grievance_rules.packs import load_pack

BROKEN = sorted((Path(__file__).parent / "broken").iterdir())


@pytest.mark.parametrize("case", BROKEN, ids=[p.name for p in BROKEN])
def test_broken_pack_is_refused_with_file_line_rule_and_field(case: Path) -> None:
    expect = yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8"))
    with pytest.raises(PackError) as caught:
        load_pack(case)
    error = caught.value
    assert expect["message"] in str(error)
    assert error.file == expect["file"]
    assert error.rule_id == expect["rule_id"]
    if expect["rule_id"] is not None:  # the message a pack author reads names the rule too
        assert expect["rule_id"] in str(error)
    if expect["field"] is not None:
        assert error.field == expect["field"]
    if expect["line"] is not None:
        assert error.line == expect["line"]
        assert f"line {expect['line']}" in str(error)


def test_a_missing_manifest_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PackError, match=r"has no pack\.yaml"):
        load_pack(tmp_path)
