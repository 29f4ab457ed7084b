import io
import json

import pytest

from grievance_rules.errors import ReadError
from grievance_rules.model import WorkOrder
from grievance_rules.reading import read_orders
from tests.model.samples import minimal, record


@pytest.mark.parametrize(
    "document",
    [
        [record(), minimal()],
        {"orders": [record(), minimal()]},
    ],
)
def test_arrays_and_wrapped_arrays(document, tmp_path):
    path = tmp_path / "orders.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    report = read_orders(path)
    assert report.orders == (
        WorkOrder.model_validate(record()),
        WorkOrder.model_validate(minimal()),
    )
    assert [a.location.record for a in report.accepted] == [1, 2]
    assert str(report.accepted[1].location) == f"{path} record 2"


def test_single_order_and_rejections():
    report = read_orders(io.StringIO(json.dumps(minimal())), format="json")
    assert len(report.accepted) == 1
    report = read_orders(io.BytesIO(b'[{"id": 7}, 3]'), format="json")
    assert report.records == 2
    assert report.rejected[0].order_id == "7"
    assert report.rejected[1].problems[0].code == "model_type"


def test_a_document_that_does_not_parse_is_a_read_error():
    with pytest.raises(ReadError, match="not a JSON document"):
        read_orders(io.BytesIO(b'[{"id": '), format="json")
