"""The HTTP shape of PROTOCOL.md, shared by the client and the reference server.

Both sides import paths, models, the problem+json shape and the digest helpers
from here so they cannot drift apart.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from core.errors import EXIT_EXCHANGE, RenkeiError
from core.textsafe import shown

API = "/v1"
TIME = f"{API}/time"
NOTICES = f"{API}/moj-notices"
MUNICIPAL = f"{API}/municipal-notices"
HOLDINGS = f"{API}/holdings"  # what the server holds from this terminal (renkei recover)

# The per-record answer for a municipal notice whose notice_id the server already holds
# (from any earlier upload, under any Idempotency-Key): delivered, not refused.
ALREADY_HELD = "already-held"

PROBLEM_JSON = "application/problem+json"
CSV_TYPE = "text/csv; charset=utf-8"
IDEMPOTENCY_KEY = "Idempotency-Key"
CONTENT_DIGEST = "Content-Digest"

# Answers worth trying again (PROTOCOL.md "Transport"); every other 4xx is shown.
RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})

KINDS = ("moj", "spr")
FILE_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
IDEMPOTENCY_RE = re.compile(r"^[A-Za-z0-9-]{8,64}$")
MAX_REASON = 500  # characters of a rejection reason kept from the server


def notice_path(file_id: str) -> str:
    return f"{NOTICES}/{file_id}"


def receipt_path(file_id: str) -> str:
    return f"{NOTICES}/{file_id}/receipt"


def municipal_result_path(receipt_id: str) -> str:
    return f"{MUNICIPAL}/{receipt_id}"


def kind_of_name(name: str) -> str | None:
    """``moj-…csv`` is a MOJ notice file, ``spr-…csv`` a certificate notice."""
    if not name.endswith(".csv"):
        return None
    prefix = name.split("-", 1)[0]
    return prefix if prefix in KINDS else None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def content_digest(data: bytes) -> str:
    """The RFC 9530 ``Content-Digest`` value for ``data``."""
    return "sha-256=:" + base64.b64encode(hashlib.sha256(data).digest()).decode("ascii") + ":"


def parse_content_digest(value: str) -> bytes | None:
    """The SHA-256 digest bytes named in a ``Content-Digest`` header, or None."""
    for item in value.split(","):
        name, _, rest = item.strip().partition("=")
        if name.strip().lower() == "sha-256" and rest.startswith(":") and rest.endswith(":"):
            try:
                return base64.b64decode(rest[1:-1], validate=True)
            except ValueError:
                return None
    return None


@dataclass(frozen=True)
class NoticeFile:
    """One entry of the MOJ notice listing."""

    file_id: str
    kind: str
    name: str
    size: int
    sha256: str
    records: int
    created: str  # ISO 8601 UTC

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> NoticeFile:
        try:
            item = cls(
                file_id=str(raw["file_id"]),
                kind=str(raw["kind"]),
                name=str(raw["name"]),
                size=int(raw["size"]),
                sha256=str(raw["sha256"]).lower(),
                records=int(raw.get("records", 0)),
                created=str(raw.get("created", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ExchangeError("exchange.error.bad_answer", detail=f"file entry: {exc}") from exc
        if not FILE_ID_RE.match(item.file_id) or item.kind not in KINDS:
            raise ExchangeError("exchange.error.bad_answer", detail=f"file entry {item.file_id!r}")
        return item


@dataclass(frozen=True)
class Rejection:
    """A record of an uploaded municipal notice file the server refused."""

    line: int  # 1-based line in the uploaded file (the header is line 1)
    reason: str
    notice_id: str = ""
    card_number: str = ""
    code: str = ""  # ALREADY_HELD: a copy of a record the server holds (not a refusal)
    held_receipt: str = ""  # with ALREADY_HELD: the receipt that first took it

    @property
    def already_held(self) -> bool:
        return self.code == ALREADY_HELD


@dataclass(frozen=True)
class SendAnswer:
    """The 送信通知: what the server did with one uploaded file."""

    receipt_id: str
    accepted: int
    rejected: tuple[Rejection, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "receipt_id": self.receipt_id,
            "accepted": self.accepted,
            "rejected": [asdict(r) for r in self.rejected],
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> SendAnswer:
        """The server's answer, checked before any of it is recorded: the receipt
        id is one short token, the counts are counts, a reason is short text
        (kept as sent; escaped wherever it is printed)."""
        try:
            answer = cls(
                receipt_id=str(raw["receipt_id"]),
                accepted=int(raw["accepted"]),
                rejected=tuple(
                    Rejection(
                        line=int(r["line"]),
                        reason=str(r.get("reason", ""))[:MAX_REASON],
                        notice_id=str(r.get("notice_id", ""))[:MAX_REASON],
                        card_number=str(r.get("card_number", ""))[:MAX_REASON],
                        code=str(r.get("code", ""))[:MAX_REASON],
                        held_receipt=str(r.get("held_receipt", ""))[:MAX_REASON],
                    )
                    for r in raw.get("rejected", [])
                ),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ExchangeError("exchange.error.bad_answer", detail=f"send answer: {exc}") from exc
        if not FILE_ID_RE.match(answer.receipt_id) or ".." in answer.receipt_id:
            raise ExchangeError("exchange.error.bad_answer", detail="send answer: receipt_id")
        if answer.accepted < 0 or any(r.line < 1 for r in answer.rejected):
            raise ExchangeError("exchange.error.bad_answer", detail="send answer: counts")
        return answer


@dataclass(frozen=True)
class HeldUpload:
    """A municipal notice upload the server holds: its key, receipt and records."""

    idempotency_key: str
    receipt_id: str
    notice_ids: tuple[str, ...]


@dataclass(frozen=True)
class HeldReceipt:
    """A 取得通知 the server holds; ``file`` is the listing entry while the file
    is still offered for download (None once the server no longer has it)."""

    file_id: str
    sha256: str
    receipted_at: str
    file: NoticeFile | None = None


@dataclass(frozen=True)
class Holdings:
    """``GET /v1/holdings``: everything the server holds from this terminal."""

    uploads: tuple[HeldUpload, ...]
    receipts: tuple[HeldReceipt, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "uploads": [
                {
                    "idempotency_key": u.idempotency_key,
                    "receipt_id": u.receipt_id,
                    "notice_ids": list(u.notice_ids),
                }
                for u in self.uploads
            ],
            "receipts": [
                {
                    "file_id": r.file_id,
                    "sha256": r.sha256,
                    "receipted_at": r.receipted_at,
                    "file": r.file.to_json() if r.file else None,
                }
                for r in self.receipts
            ],
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Holdings:
        try:
            return cls(
                uploads=tuple(
                    HeldUpload(
                        idempotency_key=str(u["idempotency_key"]),
                        receipt_id=str(u["receipt_id"]),
                        notice_ids=tuple(str(n) for n in u.get("notice_ids", [])),
                    )
                    for u in raw.get("uploads", [])
                ),
                receipts=tuple(
                    HeldReceipt(
                        file_id=str(r["file_id"]),
                        sha256=str(r["sha256"]).lower(),
                        receipted_at=str(r.get("receipted_at", "")),
                        file=NoticeFile.from_json(r["file"]) if r.get("file") else None,
                    )
                    for r in raw.get("receipts", [])
                ),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ExchangeError("exchange.error.bad_answer", detail=f"holdings: {exc}") from exc


# problem+json ``type`` values: a stable slug under this base, one catalogue key each.
PROBLEM_BASE = "https://renkei.invalid/problems/"
PROBLEM_KEYS = {
    "unauthorized": "exchange.problem.unauthorized",
    "not-found": "exchange.problem.not_found",
    "hash-mismatch": "exchange.problem.hash_mismatch",
    "digest-mismatch": "exchange.problem.digest_mismatch",
    "bad-request": "exchange.problem.bad_request",
    "bad-file": "exchange.problem.bad_file",
    "idempotency-conflict": "exchange.problem.idempotency_conflict",
    "unavailable": "exchange.problem.unavailable",
    "server-error": "exchange.problem.server_error",
    "range": "exchange.problem.range",
}


def problem(status: int, slug: str, title: str, detail: str = "", **extra: Any) -> dict[str, Any]:
    """An RFC 9457 body."""
    body: dict[str, Any] = {"type": PROBLEM_BASE + slug, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return body


class ExchangeError(RenkeiError):
    """The linkage server could not be reached or did not answer as agreed."""

    exit_code = EXIT_EXCHANGE


class ServerProblem(ExchangeError):
    """The server answered with an error (problem+json, or a bare status)."""

    def __init__(self, status: int, slug: str, title: str, detail: str) -> None:
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        key = PROBLEM_KEYS.get(slug, "exchange.problem.other")
        super().__init__(key, status=status, title=title, detail=detail or title)

    @classmethod
    def from_response(cls, status: int, content_type: str, body: bytes) -> ServerProblem:
        slug, title, detail = "", "", ""
        if content_type.split(";")[0].strip() in (PROBLEM_JSON, "application/json"):
            import json

            try:
                raw = json.loads(body)
                slug = str(raw.get("type", "")).removeprefix(PROBLEM_BASE)
                title = shown(raw.get("title", ""))  # the peer's text, escaped to print
                detail = shown(raw.get("detail", ""), 500)
            except (ValueError, AttributeError):
                pass
        if not title:
            title = f"HTTP {status}"
        return cls(status, slug, title, detail)
