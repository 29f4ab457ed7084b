"""A real server on 127.0.0.1 and a bounded load of clients (the test and the benchmark).

Two ways to serve: ``running_server`` runs ``grievance-rules serve`` in a subprocess
(the command line's own options), ``serving`` runs a particular application (its packs,
its ``Limits``, its token) on uvicorn in a background thread of the test process. Both
answer over a socket on 127.0.0.1; ``http_client`` talks to either (``served_client``:
an application served and a client for it, in one with block).
"""

from __future__ import annotations

import http.client
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn


@contextmanager
def running_server(
    *args: str, token_file: Path | None = None, timeout: float = 60.0
) -> Iterator[int]:
    """``grievance-rules serve --port 0`` in a subprocess; stopped on exit.

    The server binds a free port itself and prints its address; that port is yielded,
    so no other process can take the port between its choice and the bind.
    """
    command = [sys.executable, "-m", "grievance_rules", "serve", "--port", "0", *args]
    if token_file is not None:
        command += ["--token-file", str(token_file)]
    # (the with block closes the pipes: left open, each run warned ResourceWarning)
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        try:

            def exited() -> str | None:
                if process.poll() is None:
                    return None
                _, err = process.communicate()
                return f"server exited {process.returncode}: {err.decode()}"

            port = _announced_port(process, timeout, exited)
            _wait_until_healthy(port, timeout, exited)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _announced_port(
    process: subprocess.Popen[bytes], timeout: float, exited: Callable[[], str | None]
) -> int:
    """The port in the first line ``serve`` prints ("Serving on http://127.0.0.1:PORT ...")."""
    assert process.stdout is not None
    lines: queue.Queue[bytes] = queue.Queue()
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()
    deadline = time.monotonic() + timeout
    while True:
        try:
            line = lines.get(timeout=0.05).decode()
        except queue.Empty:
            reason = exited()
            if reason is not None:
                raise RuntimeError(reason) from None
            if time.monotonic() > deadline:
                raise RuntimeError("server did not say where it listens in time") from None
            continue
        found = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if found is None:
            raise RuntimeError(f"server's first line names no address: {line!r}")
        return int(found.group(1))


@contextmanager
def serving(app: Any, *, timeout: float = 60.0) -> Iterator[int]:
    """``app`` (an ASGI application) on uvicorn on 127.0.0.1, in a background thread.

    Yields the port once ``/healthz`` answers 200; on exit the server is told to stop
    and its thread joined. The socket is bound here, before the server starts, so no
    other process can take the port in between.
    """
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:

        def exited() -> str | None:
            return None if thread.is_alive() else "server thread ended before it answered"

        _wait_until_healthy(port, timeout, exited)
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()
        if thread.is_alive():
            raise RuntimeError(f"server on port {port} did not stop in {timeout} s")


def http_client(port: int) -> httpx.Client:
    """A client for the server on ``port`` (paths relative to it; no proxy from the env)."""
    return httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120, trust_env=False)


@contextmanager
def served_client(app: Any) -> Iterator[httpx.Client]:
    """A client for ``app`` served on 127.0.0.1 (:func:`serving`); both end with the block."""
    with serving(app) as port, http_client(port) as client:
        yield client


def _wait_until_healthy(port: int, timeout: float, exited: Callable[[], str | None]) -> None:
    """Poll ``GET /healthz`` until it is 200; raise if the server ended or time ran out."""
    deadline = time.monotonic() + timeout
    while True:
        reason = exited()
        if reason is not None:
            raise RuntimeError(reason)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        if time.monotonic() > deadline:
            raise RuntimeError("server did not start in time")
        time.sleep(0.05)


@dataclass
class LoadResult:
    """What a load run saw: counts, mismatches, and each request's latency (seconds)."""

    requests: int = 0
    errors: list[str] = field(default_factory=list)
    mismatches: int = 0
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0


def run_load(
    port: int,
    cases: Sequence[tuple[str, bytes, bytes]],
    *,
    total: int,
    clients: int,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """``total`` requests from ``clients`` threads, each on one kept-alive connection.

    ``cases`` are ``(path, body, expected response bytes)``, taken in turn.
    """
    result = LoadResult()
    lock = threading.Lock()
    per_client = [total // clients + (1 if k < total % clients else 0) for k in range(clients)]

    def client(k: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        sent = {"Content-Type": "application/json", **(headers or {})}
        for n in range(per_client[k]):
            path, body, expected = cases[(k * 7919 + n) % len(cases)]
            began = time.perf_counter()
            try:
                connection.request("POST", path, body=body, headers=sent)
                response = connection.getresponse()
                data = response.read()
                status = response.status
            except OSError as exc:
                with lock:
                    result.errors.append(f"{path}: {exc!r}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            elapsed = time.perf_counter() - began
            with lock:
                result.requests += 1
                result.latencies.append(elapsed)
                if status != 200:
                    result.errors.append(f"{path}: HTTP {status} {data[:200]!r}")
                elif data != expected:
                    result.mismatches += 1
        connection.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began
    return result
