"""The static host of `make serve` (batteryreport.build.serve)."""

import os
import socket
import struct
import time
from urllib.parse import urlsplit

from batteryreport.build.serve import serving


def test_a_cancelled_request_is_not_reported_as_an_error(tmp_path, capsys):
    (tmp_path / "big.bin").write_bytes(os.urandom(4_000_000))
    with serving(tmp_path) as base:
        url = urlsplit(base)
        for _ in range(5):  # a reader leaves a page while a large file is on its way
            s = socket.create_connection((url.hostname, url.port))
            s.sendall(b"GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n")
            s.recv(100)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()  # a reset, as a browser that cancels does
        time.sleep(0.5)
    assert "Traceback" not in capsys.readouterr().err
