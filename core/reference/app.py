"""The reference municipal linkage server as a plain ASGI app (PROTOCOL.md).

Per request: the fault rules that hit it (``delay`` / ``status`` act first),
then the terminal's bearer token (401 without a known one), then the endpoint.
What it serves and keeps lives under its root folder (``core.reference.root``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from core.exchange import protocol as p
from core.reference import handlers as h
from core.reference.faults import Faults, answer_injected
from core.reference.ledger import Ledger
from core.reference.root import Root
from core.reference.wire import Cut, Receive, Request, Scope, Send, bearer, problem, request

log = logging.getLogger("renkei.server")


class ReferenceServer:
    """The ASGI app. One instance per root folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.site = h.Site(
            root=Root(self.root),
            ledger=Ledger(self.root / "server.sqlite"),
            faults=Faults(self.root / "faults.toml"),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        req = request(scope, receive, send)
        try:
            await self.handle(req)
        except Cut:
            raise  # uvicorn closes the connection: the client sees a broken body
        except Exception:
            log.exception("reference server failure")
            await problem(req, 500, "server-error", "internal error")

    async def handle(self, req: Request) -> None:
        site = self.site
        hits = site.faults.take(req.method, req.path)
        if await answer_injected(req, hits):
            return
        lasdec = site.root.tokens().get(bearer(req))
        if lasdec is None:
            await problem(
                req,
                401,
                "unauthorized",
                "unknown terminal token",
                headers={"www-authenticate": "Bearer"},
            )
            return
        path, method = req.path, req.method
        if path == p.TIME and method == "GET":
            await h.server_time(site, req)
        elif path == p.NOTICES and method == "GET":
            await h.list_notices(site, req, lasdec, hits)
        elif path.startswith(p.NOTICES + "/"):
            rest = path[len(p.NOTICES) + 1 :]
            if rest.endswith("/receipt") and method == "POST":
                await h.receipt(site, req, lasdec, rest.removesuffix("/receipt"))
            elif "/" not in rest and method in ("GET", "HEAD"):
                await h.download(site, req, lasdec, rest, hits)
            else:
                await problem(req, 404, "not-found", path)
        elif path == p.HOLDINGS and method == "GET":
            await h.holdings(site, req, lasdec)
        elif path == p.MUNICIPAL and method == "POST":
            await h.upload(site, req, lasdec, hits)
        elif path.startswith(p.MUNICIPAL + "/") and method == "GET":
            await h.upload_result(site, req, lasdec, path[len(p.MUNICIPAL) + 1 :])
        else:
            await problem(req, 404, "not-found", path)
