"""`bench.inference.free_port`: server ports the kernel does not hand to connections."""

from __future__ import annotations

import socket

from bench.inference import LOWEST_SERVER_PORT, ephemeral_ports_start, free_port


def test_free_ports_lie_below_the_range_for_outgoing_connections() -> None:
    ports = [free_port(span=4) for _ in range(50)]
    assert all(LOWEST_SERVER_PORT <= port < ephemeral_ports_start() - 4 for port in ports)
    for port in ports[:5]:
        for offset in range(4):
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", port + offset))
