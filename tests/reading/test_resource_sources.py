"""Orders read from a package resource: ``importlib.resources.files(...) / name``."""

from __future__ import annotations

import zipfile
from importlib.resources import files
from pathlib import Path

import pytest

from grievance_rules.errors import ReadError
from grievance_rules.reading import read_orders

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "src" / "grievance_rules" / "samples"
IDS = ["S-0001", "S-0002", "S-0003", "S-0004", "S-0005"]  # the five lines of orders.jsonl


def _zipped(tmp_path: Path) -> zipfile.Path:
    """The samples in a zip, as a zip-imported package's resources are (not PathLike)."""
    archive = tmp_path / "pkg.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in ("orders.jsonl", "orders.xlsx"):
            zipped.write(SAMPLES / name, f"pkg/samples/{name}")
    return zipfile.Path(archive, "pkg/samples/")


@pytest.mark.parametrize("name", ["orders.jsonl", "orders.xlsx"])
def test_a_resource_in_a_zip_is_read_like_the_file(tmp_path, name):
    # a zipfile.Path is a Traversable, not a path: it used to be taken for an open file
    # ("TypeError: 'Path' object is not iterable")
    report = read_orders(_zipped(tmp_path) / name, assume_tz="Asia/Shanghai")
    assert [order.id for order in report.orders] == IDS
    assert (report.records, len(report.rejected)) == (5, 0)


def test_a_missing_resource_in_a_zip_is_a_read_error(tmp_path):
    with pytest.raises(ReadError, match=r"^cannot open missing\.jsonl"):
        read_orders(_zipped(tmp_path) / "missing.jsonl")


def test_the_package_resource_of_the_docs_is_read():
    report = read_orders(files("grievance_rules") / "samples" / "orders.jsonl")
    assert [order.id for order in report.orders] == IDS


@pytest.mark.slow
def test_reading_a_package_resource_type_checks_strictly(tmp_path):
    # docs/scoring.md: read_orders(files("grievance_rules") / "samples" / "orders.jsonl")
    # failed mypy --strict: 'Argument 1 to "read_orders" has incompatible type "Traversable"'
    api = pytest.importorskip("mypy.api")
    script = tmp_path / "consumer.py"
    script.write_text(
        "from importlib.resources import files\n"
        "from grievance_rules.reading import iter_orders, read_orders\n"
        'orders = read_orders(files("grievance_rules") / "samples" / "orders.jsonl").orders\n'
        'results = list(iter_orders(files("grievance_rules") / "samples" / "orders.xlsx"))\n',
        encoding="utf-8",
    )
    out, err, status = api.run(
        ["--strict", "--no-error-summary", "--cache-dir", str(ROOT / ".mypy_cache"), str(script)]
    )
    assert status == 0, out + err
