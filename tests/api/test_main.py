"""The API process stays light (it never imports torch) and bounds its connections."""

from __future__ import annotations

import contextlib
import json
import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_api_does_not_import_torch(tmp_path: Path) -> None:
    code = "import sys, api.main; print('torch' in sys.modules)"
    env = {**os.environ, "AFFECTSERVE_DATA_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """The API under uvicorn as `affectserve up` runs it: 4 MB uploads, 1-s stalls."""
    from api.launcher import api_command
    from core.config import Settings
    from tests.integration.conftest import free_port

    port = free_port()
    env = {
        **os.environ,
        "AFFECTSERVE_DATA_DIR": str(tmp_path / "data"),
        "AFFECTSERVE_MAX_UPLOAD_MB": "4",
        "AFFECTSERVE_REQUEST_STALL_S": "1",
        "PYTHONPATH": str(ROOT),
    }
    command = api_command(Settings(max_connections=50), "127.0.0.1", port)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            break
        time.sleep(0.2)
    yield "127.0.0.1", port
    process.terminate()
    process.wait(timeout=30)


def _request_head(port: int, extra: str) -> bytes:
    return (
        f"POST /v1/recordings HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\n" + extra + "\r\n"
    ).encode()


def _reply(sock: socket.socket) -> tuple[int, dict]:
    data = b""
    with contextlib.suppress(OSError):
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    if b"chunked" in head.lower():
        body = body.split(b"\r\n", 1)[1].rsplit(b"\r\n0\r\n", 1)[0]
    return int(head.split()[1]), json.loads(body)


def test_chunked_upload_stopped_at_the_limit(server: tuple[str, int]) -> None:
    """A chunked body (no Content-Length) of 200 MB against a 4 MB limit: the server
    answers 413 after a few MB, and the client cannot push the rest."""
    sent = 0
    chunk = b"x" * (1 << 20)
    with socket.create_connection(server, 10) as sock:
        sock.sendall(_request_head(server[1], "Transfer-Encoding: chunked\r\n"))
        part = b"--b\r\nContent-Disposition: form-data; name=file; filename=a.edf\r\n\r\n"
        sock.sendall(f"{len(part):x}\r\n".encode() + part + b"\r\n")
        with contextlib.suppress(OSError):
            while sent < 200 << 20 and not select.select([sock], [], [], 0)[0]:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                sent += len(chunk)
        status, body = _reply(sock)
    assert status == 413
    assert "larger than the limit of 4 MB (AFFECTSERVE_MAX_UPLOAD_MB)" in body["detail"]
    assert sent < 40 << 20, f"{sent >> 20} MB went in before the refusal"


def test_stalled_body_dropped(server: tuple[str, int]) -> None:
    with socket.create_connection(server, 10) as sock:
        sock.sendall(_request_head(server[1], "Content-Length: 100000\r\n") + b"--b\r\n")
        started = time.monotonic()
        status, body = _reply(sock)
    assert status == 408
    assert body["detail"] == (
        "the request body sent nothing for 1 s (AFFECTSERVE_REQUEST_STALL_S); send it again"
    )
    assert time.monotonic() - started < 5


def test_stalled_request_head_closed(server: tuple[str, int]) -> None:
    with socket.create_connection(server, 10) as sock:
        sock.sendall(b"POST /v1/recordings HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        assert sock.recv(100) == b""
    assert time.monotonic() - started < 5
