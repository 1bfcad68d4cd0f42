"""Speaking to the reference server with bare httpx, as a peer written from
PROTOCOL.md would (no ``core`` client): the tests' own helpers."""

from __future__ import annotations

import base64
import csv
import hashlib
import io

import httpx

SPR = "spr-131041-20261121-0001"
MOJ = "moj-131041-20261121-0001"
KEY = "00000000-0000-4000-8000-000000000001"


def digest(body: bytes) -> str:
    """RFC 9530 Content-Digest of ``body``."""
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"


def post_muni(http: httpx.Client, body: bytes, key: str = KEY) -> httpx.Response:
    return http.post(
        "/v1/municipal-notices",
        content=body,
        headers={"Idempotency-Key": key, "Content-Digest": digest(body)},
    )


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def assert_problem(answer: httpx.Response, status: int) -> None:
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
