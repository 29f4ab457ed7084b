import json

import pytest
from click.testing import CliRunner

from grievance_rules.cli import cli
from grievance_rules.model import EVENT_TYPES, work_order_schema


def test_schema_lists_every_event_type():
    schema = work_order_schema()
    events = schema["properties"]["events"]
    mapping = events["items"]["discriminator"]["mapping"]
    assert set(mapping) == set(EVENT_TYPES)
    assert schema["$schema"].startswith("https://json-schema.org/")


def test_schema_instants_are_date_times():
    schema = work_order_schema()
    assert schema["properties"]["received_at"]["format"] == "date-time"


@pytest.mark.parametrize("mode", ["validation", "serialization"])
def test_cli_prints_the_schema(mode):
    result = CliRunner().invoke(cli, ["schema", "--mode", mode])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed == json.loads(json.dumps(work_order_schema(mode)))  # type: ignore[arg-type]
    assert printed["title"] == "WorkOrder"


def test_serialization_schema_requires_every_key():
    schema = work_order_schema("serialization")
    assert "urgency" in schema["required"]
