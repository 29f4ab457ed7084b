import pytest

from grievance_rules.errors import InputFormatError, ReadError
from grievance_rules.reading import InputFormat, format_of, read_orders


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.json", InputFormat.JSON),
        ("a.JSONL", InputFormat.JSONL),
        ("a.ndjson", InputFormat.JSONL),
        ("dir/工单.csv", InputFormat.CSV),
        ("a.xlsx", InputFormat.XLSX),
    ],
)
def test_format_of(name, expected):
    assert format_of(name) is expected


def test_unknown_suffix():
    with pytest.raises(InputFormatError, match=r"\.xls"):
        format_of("old.xls")


def test_stream_needs_a_format():
    import io

    with pytest.raises(ReadError, match="format="):
        read_orders(io.BytesIO(b""))


def test_unknown_format_name(tmp_path):
    with pytest.raises(ReadError, match="unknown format"):
        read_orders(tmp_path / "x.json", format="yaml")


def test_missing_file(tmp_path):
    with pytest.raises(ReadError, match="cannot open"):
        read_orders(tmp_path / "absent.jsonl")


@pytest.mark.parametrize("name", ["导出.xls", "EXPORT.XLS", "工单.et"])
def test_an_old_workbook_is_told_how_to_become_one_read(name):
    # many platforms export Excel 97-2003 files; the message said only "name one of ..."
    from grievance_rules.i18n import language

    with language("en"), pytest.raises(InputFormatError) as english:
        format_of(name)
    assert "save it as an Excel workbook (.xlsx), then read that" in str(english.value)
    with language("zh"), pytest.raises(InputFormatError) as chinese:
        format_of(name)
    assert "请用 Excel 或 WPS 打开后另存为“Excel 工作簿（.xlsx）”" in str(chinese.value)
    # a WPS .et file is called what it is (it was "an Excel 97-2003 workbook (.et)")
    kind = "WPS 表格文件（.et）" if name.endswith(".et") else "Excel 97-2003 工作簿（.xls）"
    assert kind in str(chinese.value)


def test_a_parquet_dataset_given_as_a_file_of_orders_is_said_to_be_one(tmp_path):
    # read_orders(dataset) said "a folder with no Parquet dataset in it" of a dataset
    from grievance_rules.reading import read_orders
    from grievance_rules.reading.parquet_export import write_parquet
    from grievance_rules.samples import generate_orders

    write_parquet(list(generate_orders(2, seed=1)), tmp_path / "ds")
    with pytest.raises(InputFormatError, match=r"is a Parquet dataset, which is read with "
                       r"iter_parquet_orders"):  # fmt: skip
        read_orders(tmp_path / "ds")
