"""The curl examples of docs/service.md, run against a real server started here."""

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from grievance_rules.engine import evaluate
from grievance_rules.reading import read_orders
from tests.docs.markdown_examples import SHELL, read_page
from tests.service.loopback import running_server

ROOT = Path(__file__).parents[2]
PAGE = ROOT / "docs" / "service.md"
SAMPLES = ROOT / "src" / "grievance_rules" / "samples" / "orders.jsonl"


def _curl_commands() -> list[str]:
    found = []
    for block in read_page(PAGE).blocks:
        if block.language not in SHELL:
            continue
        lines = block.code.replace("\\\n", " ").splitlines()
        found.extend(line.strip() for line in lines if line.strip().startswith("curl "))
    return found


def test_the_page_has_curl_examples() -> None:
    commands = _curl_commands()
    assert len(commands) >= 15
    for path in ("/v1/evaluate?", "/v1/evaluate/stream", "/v1/watch", "/v1/score", "/v1/compare"):
        assert any(path in c for c in commands), path


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("curl") is None, reason="no curl on this machine")
def test_every_curl_example_runs(tmp_path: Path) -> None:
    (tmp_path / "token.txt").write_text("s3cret\n", encoding="utf-8")
    first = SAMPLES.read_text(encoding="utf-8").splitlines()[0]
    (tmp_path / "order.json").write_text(first, encoding="utf-8")
    shutil.copy(SAMPLES, tmp_path / "orders.jsonl")
    order = read_orders(SAMPLES).orders[0]
    with running_server(token_file=tmp_path / "token.txt") as port:
        for command in _curl_commands():
            line = command.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
            done = subprocess.run(
                ["bash", "-c", line], cwd=tmp_path, capture_output=True, timeout=120, check=False
            )
            assert done.returncode == 0, (command, done.stderr.decode())
            out = done.stdout
            if "/v1/evaluate?pack=xiayang" in command:
                as_of = dt.datetime.fromisoformat("2026-03-03T08:00:00+08:00")
                assert out == evaluate(order, "xiayang", as_of).model_dump_json().encode()
            elif "/v1/evaluate?pack=daye" in command:  # the bad record
                body = json.loads(out)
                assert (body["inputs"], body["assessed"], body["rejected"]) == (1, 0, 1)
                assert body["rejections"][0]["problems"][0]["field"] == "category"
            elif "/v1/evaluate/stream" in command:
                last = json.loads(out.decode().splitlines()[-1])
                assert last["counts"]["inputs"] == len(SAMPLES.read_text().splitlines())
            elif "/healthz" in command:
                assert json.loads(out)["status"] == "ok"
            elif re.search(r"/readme$", command):
                assert out.decode().startswith("# ")
        unauthorised = subprocess.run(
            [
                "curl",
                "-s",
                "-o",
                "/dev/null",
                "-w",
                "%{http_code}",
                f"http://127.0.0.1:{port}/v1/packs",
            ],
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert unauthorised.stdout == b"401"
