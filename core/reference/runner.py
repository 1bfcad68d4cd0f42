"""Running the reference server: ``build`` a uvicorn server (``renkei server``),
or ``Running`` it in a background thread (the tests, ``renkei demo``)."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any

from core.reference.app import ReferenceServer
from core.reference.tls import ensure_server_tls
from core.reference.wire import Cut


class _QuietCuts(logging.Filter):
    """Injected cuts are intended: keep uvicorn from logging them as failures."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, Cut)


def _tls_context_factory(config: Any, default: Any) -> Any:
    import ssl

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(config.ssl_certfile, config.ssl_keyfile)
    if config.ssl_ca_certs:
        ctx.load_verify_locations(config.ssl_ca_certs)
        ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


def build(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 8443,
    cert: Path | None = None,
    key: Path | None = None,
    client_ca: Path | None = None,
    plain_http: bool = False,
) -> Any:
    """A ``uvicorn.Server`` for ``root`` (not started)."""
    import uvicorn

    root = Path(root)
    if not plain_http and (cert is None or key is None):
        _, cert, key = ensure_server_tls(root / "tls")
    options: dict[str, Any] = {}
    if not plain_http:
        options = {
            "ssl_certfile": str(cert),
            "ssl_keyfile": str(key),
            "ssl_ca_certs": str(client_ca) if client_ca else None,
            "ssl_context_factory": _tls_context_factory,
        }
    quiet = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _QuietCuts) for f in quiet.filters):
        quiet.addFilter(_QuietCuts())
    config = uvicorn.Config(
        ReferenceServer(root),
        host=host,
        port=port,
        log_level=os.environ.get("RENKEI_SERVER_LOG", "warning"),
        access_log=False,
        lifespan="off",
        timeout_keep_alive=5,
        **options,
    )
    return uvicorn.Server(config)


class Running:
    """A reference server running in a background thread (tests, the demo)."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0, **options: Any) -> None:
        self.root = Path(root)
        self.sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # An answer is two writes (head, then body): with Nagle's algorithm the
        # body waited for the client's delayed ACK, 40 ms on every answer. The
        # connections accepted inherit the option from this socket (Linux).
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.bind((host, port))
        self.host, self.port = host, self.sock.getsockname()[1]
        self.server = build(self.root, host, self.port, **options)
        self.thread = threading.Thread(target=self._run, name="renkei-server", daemon=True)

    def _run(self) -> None:
        self.server.run(sockets=[self.sock])

    @property
    def url(self) -> str:
        scheme = "http" if not self.server.config.ssl_certfile else "https"
        return f"{scheme}://{self.host}:{self.port}"

    def start(self) -> Running:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the reference server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()

    def __enter__(self) -> Running:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
