"""``grievance-rules serve``: where it listens, said at start; a port it cannot take, refused."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from click.testing import CliRunner

from grievance_rules.cli import cli


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port on 127.0.0.1 another program listens on for the test's length."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def test_a_taken_port_is_refused_naming_the_address(taken_port: int) -> None:
    result = CliRunner().invoke(cli, ["serve", "--port", str(taken_port)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: cannot listen on 127.0.0.1:{taken_port}: the port is taken by another program\n"
    )


def test_a_taken_port_is_refused_in_chinese(taken_port: int) -> None:
    result = CliRunner().invoke(cli, ["--lang", "zh", "serve", "--port", str(taken_port)])
    assert result.exit_code == 1
    assert result.output == f"错误：无法在 127.0.0.1:{taken_port} 上监听：该端口已被其他程序占用\n"


@pytest.mark.parametrize(
    ("lang", "before", "after"),
    [("en", "Serving on http://127.0.0.1:", " (Ctrl+C to stop)"),
     ("zh", "服务地址：http://127.0.0.1:", "（按 Ctrl+C 停止）")],
)  # fmt: skip
def test_port_zero_serves_on_a_free_port_and_says_which(lang: str, before: str, after: str) -> None:
    command = [sys.executable, "-m", "grievance_rules", "--lang", lang, "serve", "--port", "0"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline().decode().rstrip("\n")
            assert line.startswith(before), line
            assert line.endswith(after), line
            port = int(line[len(before) : len(line) - len(after)])
            assert 0 < port < 65536
            # the port printed is the one answering (it listens before the line is printed)
            answer = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=30, trust_env=False)
            assert answer.status_code == 200
        finally:
            process.terminate()
            process.wait(timeout=10)
