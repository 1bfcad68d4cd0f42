"""One HTTP exchange over ASGI: the request, its body and the answers to it.

Errors are ``application/problem+json`` (RFC 9457) as PROTOCOL.md asks.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from core.exchange import protocol as p

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

MAX_UPLOAD = 64 * 1024 * 1024

# The title of each status the server answers with (RFC 9110 reason phrases).
TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    409: "Conflict",
    416: "Range Not Satisfiable",
    422: "Unprocessable Content",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class Cut(Exception):
    """Raised to cut a connection in mid-body (fault injection, a client gone):
    uvicorn closes it and the client sees a broken body."""


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    receive: Receive
    send: Send


def request(scope: Scope, receive: Receive, send: Send) -> Request:
    """The request of an ASGI ``http`` scope (header names lower-cased)."""
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    return Request(
        method=scope["method"],
        path=scope["path"],
        query=parse_qs(scope.get("query_string", b"").decode("latin-1")),
        headers=headers,
        receive=receive,
        send=send,
    )


def bearer(req: Request) -> str:
    """The token of ``Authorization: Bearer …`` ("" without one)."""
    value = req.headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def respond(
    req: Request,
    status: int,
    body: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
) -> None:
    """A whole answer at once (no body for HEAD, its length still said)."""
    raw = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await req.send({"type": "http.response.start", "status": status, "headers": raw})
    await req.send({"type": "http.response.body", "body": body if req.method != "HEAD" else b""})


async def answer_json(
    req: Request, status: int, data: Any, headers: dict[str, str] | None = None
) -> None:
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    await respond(req, status, body, "application/json", headers)


async def problem(
    req: Request,
    status: int,
    slug: str,
    detail: str,
    headers: dict[str, str] | None = None,
) -> None:
    """An error answer as problem+json."""
    body = json.dumps(p.problem(status, slug, TITLES.get(status, f"HTTP {status}"), detail))
    await respond(req, status, body.encode("utf-8"), p.PROBLEM_JSON, headers)


async def read_body(req: Request, cut_after: int | None = None) -> bytes:
    """The request body; ``cut_after`` bytes read, the connection is cut (a fault)."""
    parts: list[bytes] = []
    total = 0
    while True:
        message = await req.receive()
        if message["type"] == "http.disconnect":
            raise Cut("client went away")
        piece = message.get("body", b"")
        total += len(piece)
        parts.append(piece)
        if cut_after is not None and total >= cut_after:
            raise Cut(f"upload cut after {total} bytes")
        if total > MAX_UPLOAD:
            raise Cut("upload too large")
        if not message.get("more_body", False):
            return b"".join(parts)
