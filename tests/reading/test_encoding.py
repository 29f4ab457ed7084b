"""Telling UTF-8 from GB18030, as Chinese Excel saves CSV."""

import io

from grievance_rules.reading import read_orders
from grievance_rules.reading.encoding import detect_encoding

TEXT = "工单编号,受理渠道,诉求类型,受理时间\nA1,省级热线,投诉,2024-05-06T09:00:00+08:00\n"


def test_utf8_with_and_without_bom_and_gb18030():
    assert detect_encoding(io.BytesIO(TEXT.encode("utf-8"))) == "utf-8-sig"
    assert detect_encoding(io.BytesIO(TEXT.encode("utf-8-sig"))) == "utf-8-sig"
    assert detect_encoding(io.BytesIO(TEXT.encode("gb18030"))) == "gb18030"
    assert detect_encoding(io.BytesIO(TEXT.encode("gbk"))) == "gb18030"
    assert detect_encoding(io.BytesIO(b"id,channel\n")) == "utf-8-sig"


def test_the_stream_is_rewound_to_where_it_was():
    stream = io.BytesIO(b"xx" + TEXT.encode("gb18030"))
    stream.seek(2)
    assert detect_encoding(stream) == "gb18030"
    assert stream.tell() == 2


def test_a_utf8_file_with_one_damaged_cell_stays_utf8():
    # 12 valid Chinese characters, 2 bad bytes: UTF-8, the bad cell reported on its row
    data = (
        TEXT.encode("utf-8") + "A2,省级热线,投诉,2024-05-06T09:00:00+08:00".encode() + b"\xff\xfe\n"
    )
    assert detect_encoding(io.BytesIO(data)) == "utf-8-sig"


def test_reading_detects_by_default():
    report = read_orders(io.BytesIO(TEXT.encode("gb18030")), format="csv")
    assert [o.category for o in report.orders] == ["complaint"]
