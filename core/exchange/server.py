"""The reference municipal linkage server: a plain ASGI app served by uvicorn.

Layout of its root folder::

    tokens.toml                 [terminals."131041"] token = "…"
    faults.toml                 optional misbehaviour for tests (re-read per request)
    server.sqlite               receipts, uploads (idempotency keys), notices held, history
    tls/ca.pem …                made at first start unless --cert/--key are given
    <lasdec>/moj/moj-….csv      MOJ notice files offered to that municipality
    <lasdec>/moj/spr-….csv      certificate notice files
    <lasdec>/received/<receipt>.csv   accepted records of each municipal notice upload

``faults.toml`` (absent = a well-behaved server)::

    clock_offset = 0                    # seconds added to GET /v1/time
    [[fault]]
    match = "GET /v1/moj-notices/*"     # "METHOD pathglob"; "*" alone matches all
    action = "status"                   # status | delay | drop | drop_after_store
                                        # | throttle | wrong_hash | reject
    status = 503                        # status
    retry_after = 1                     # status (Retry-After seconds)
    seconds = 2.0                       # delay (before answering)
    after_bytes = 1000                  # drop: body bytes sent / read before the cut
    bytes_per_second = 100000           # throttle (download bodies)
    card_numbers = ["AB12345678CD"]     # reject: records by card number …
    lines = [3]                         # … or by line of the uploaded file
    reason = "…"                        # reject: the reason given to the terminal
    times = 1                           # how many matching requests it hits (default all)

Counters of ``times`` start again whenever the file changes.
"""

from __future__ import annotations

import asyncio
import fnmatch
import hashlib
import json
import logging
import os
import socket
import sqlite3
import threading
import time
import tomllib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from core import formats
from core.durable import write_atomic
from core.exchange import protocol as p
from core.exchange.tls import ensure_server_tls

log = logging.getLogger("renkei.server")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

CHUNK = 64 * 1024
PAGE = 100
MAX_UPLOAD = 64 * 1024 * 1024

SCHEMA = """
CREATE TABLE IF NOT EXISTS receipts (
    lasdec TEXT NOT NULL, file_id TEXT NOT NULL, sha256 TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (lasdec, file_id));
CREATE TABLE IF NOT EXISTS uploads (
    lasdec TEXT NOT NULL, idem_key TEXT NOT NULL, receipt_id TEXT NOT NULL UNIQUE,
    digest TEXT NOT NULL, answer TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (lasdec, idem_key));
CREATE TABLE IF NOT EXISTS notices (
    lasdec TEXT NOT NULL, notice_id TEXT NOT NULL, receipt_id TEXT NOT NULL,
    idem_key TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (lasdec, notice_id));
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, lasdec TEXT NOT NULL,
    action TEXT NOT NULL, detail TEXT NOT NULL);
"""


class Cut(Exception):
    """Raised to cut a connection in mid-body (fault injection)."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    receive: Receive
    send: Send


class ReferenceServer:
    """The ASGI app. One instance per root folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._db_lock = threading.Lock()
        self._db = sqlite3.connect(self.root / "server.sqlite", check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        self._tokens: tuple[float, dict[str, str]] = (-1.0, {})
        self._faults_stamp: int = -1
        self._fault_hits: dict[int, int] = {}
        self._file_cache: dict[tuple[str, int, int], tuple[str, int]] = {}

    # -- configuration files -------------------------------------------------

    def tokens(self) -> dict[str, str]:
        """token → lasdec, re-read when tokens.toml changes."""
        path = self.root / "tokens.toml"
        try:
            stamp = path.stat().st_mtime_ns
        except FileNotFoundError:
            return {}
        if stamp != self._tokens[0]:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
            table = raw.get("terminals", {})
            self._tokens = (stamp, {str(v["token"]): str(k) for k, v in table.items()})
        return self._tokens[1]

    def faults(self) -> dict[str, Any]:
        path = self.root / "faults.toml"
        try:
            text = path.read_text(encoding="utf-8")
            stamp = hash((path.stat().st_mtime_ns, text))
            raw = tomllib.loads(text)
        except (FileNotFoundError, tomllib.TOMLDecodeError):
            return {}
        if stamp != self._faults_stamp:
            self._faults_stamp = stamp
            self._fault_hits = {}
        return raw

    def take_faults(self, method: str, path: str) -> list[dict[str, Any]]:
        """The fault rules that hit this request (and count the hit)."""
        raw = self.faults()
        hits = []
        for index, rule in enumerate(raw.get("fault", [])):
            pattern = str(rule.get("match", "*"))
            if pattern != "*":
                want_method, _, want_path = pattern.partition(" ")
                if want_method.upper() != method or not fnmatch.fnmatchcase(path, want_path):
                    continue
            times = rule.get("times")
            used = self._fault_hits.get(index, 0)
            if times is not None and used >= int(times):
                continue
            self._fault_hits[index] = used + 1
            hits.append(rule)
        return hits

    # -- the store -----------------------------------------------------------

    def _sql(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._db_lock, self._db:
            return self._db.execute(sql, args).fetchall()

    def history(self, lasdec: str, action: str, detail: str) -> None:
        self._sql(
            "INSERT INTO history (at, lasdec, action, detail) VALUES (?, ?, ?, ?)",
            (_now(), lasdec, action, detail),
        )

    def notice_dir(self, lasdec: str) -> Path:
        return self.root / lasdec / "moj"

    def received_dir(self, lasdec: str) -> Path:
        return self.root / lasdec / "received"

    def _digest(self, path: Path) -> tuple[str, int]:
        """(sha256, records) of a notice file, cached by size and mtime."""
        st = path.stat()
        key = (str(path), st.st_size, st.st_mtime_ns)
        cached = self._file_cache.get(key)
        if cached is None:
            h = hashlib.sha256()
            lines = 0
            last = b"\n"
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    h.update(chunk)
                    lines += chunk.count(b"\n")
                    last = chunk[-1:]
            if last != b"\n":
                lines += 1
            cached = (h.hexdigest(), max(lines - 1, 0))
            self._file_cache[key] = cached
        return cached

    def notice_files(self, lasdec: str) -> list[p.NoticeFile]:
        folder = self.notice_dir(lasdec)
        if not folder.is_dir():
            return []
        out = []
        for path in sorted(folder.iterdir()):
            kind = p.kind_of_name(path.name)
            if kind is None or not path.is_file():
                continue
            sha, records = self._digest(path)
            st = path.stat()
            out.append(
                p.NoticeFile(
                    file_id=path.name.removesuffix(".csv"),
                    kind=kind,
                    name=path.name,
                    size=st.st_size,
                    sha256=sha,
                    records=records,
                    created=datetime.fromtimestamp(st.st_mtime, UTC).isoformat(timespec="seconds"),
                )
            )
        return out

    def find_notice(self, lasdec: str, file_id: str) -> Path | None:
        if not p.FILE_ID_RE.match(file_id):
            return None
        path = self.notice_dir(lasdec) / f"{file_id}.csv"
        return path if path.is_file() and p.kind_of_name(path.name) else None

    # -- ASGI ----------------------------------------------------------------

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
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        req = Request(
            method=scope["method"],
            path=scope["path"],
            query=parse_qs(scope.get("query_string", b"").decode("latin-1")),
            headers=headers,
            receive=receive,
            send=send,
        )
        try:
            await self.handle(req)
        except Cut:
            raise  # uvicorn closes the connection: the client sees a broken body
        except Exception:
            log.exception("reference server failure")
            await self.problem(req, 500, "server-error", "internal error")

    async def handle(self, req: Request) -> None:
        faults = self.take_faults(req.method, req.path)
        for rule in faults:
            action = rule.get("action")
            if action == "delay":
                await asyncio.sleep(float(rule.get("seconds", 1.0)))
            elif action == "status":
                status = int(rule.get("status", 500))
                extra = {}
                if "retry_after" in rule:
                    extra["retry-after"] = str(rule["retry_after"])
                slug = "unavailable" if status == 503 else "server-error"
                await self.problem(req, status, slug, f"injected {status}", headers=extra)
                return
        lasdec = self.tokens().get(self._bearer(req))
        if lasdec is None:
            await self.problem(
                req,
                401,
                "unauthorized",
                "unknown terminal token",
                headers={"www-authenticate": "Bearer"},
            )
            return
        path = req.path
        if path == p.TIME and req.method == "GET":
            offset = float(self.faults().get("clock_offset", 0))
            now = datetime.fromtimestamp(time.time() + offset, UTC)
            await self.json(req, 200, {"now": now.isoformat()})
        elif path == p.NOTICES and req.method == "GET":
            await self.list_notices(req, lasdec, faults)
        elif path.startswith(p.NOTICES + "/"):
            rest = path[len(p.NOTICES) + 1 :]
            if rest.endswith("/receipt") and req.method == "POST":
                await self.receipt(req, lasdec, rest.removesuffix("/receipt"))
            elif "/" not in rest and req.method in ("GET", "HEAD"):
                await self.download(req, lasdec, rest, faults)
            else:
                await self.problem(req, 404, "not-found", path)
        elif path == p.HOLDINGS and req.method == "GET":
            await self.holdings(req, lasdec)
        elif path == p.MUNICIPAL and req.method == "POST":
            await self.upload(req, lasdec, faults)
        elif path.startswith(p.MUNICIPAL + "/") and req.method == "GET":
            await self.upload_result(req, lasdec, path[len(p.MUNICIPAL) + 1 :])
        else:
            await self.problem(req, 404, "not-found", path)

    @staticmethod
    def _bearer(req: Request) -> str:
        value = req.headers.get("authorization", "")
        scheme, _, token = value.partition(" ")
        return token.strip() if scheme.lower() == "bearer" else ""

    # -- answers -------------------------------------------------------------

    async def respond(
        self,
        req: Request,
        status: int,
        body: bytes,
        content_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        raw = [
            (b"content-type", content_type.encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
        await req.send({"type": "http.response.start", "status": status, "headers": raw})
        await req.send(
            {"type": "http.response.body", "body": body if req.method != "HEAD" else b""}
        )

    async def json(
        self, req: Request, status: int, data: Any, headers: dict[str, str] | None = None
    ) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        await self.respond(req, status, body, "application/json", headers)

    async def problem(
        self,
        req: Request,
        status: int,
        slug: str,
        detail: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        titles = {
            400: "Bad Request",
            401: "Unauthorized",
            404: "Not Found",
            409: "Conflict",
            416: "Range Not Satisfiable",
            422: "Unprocessable Content",
            500: "Internal Server Error",
            503: "Service Unavailable",
        }
        body = json.dumps(p.problem(status, slug, titles.get(status, f"HTTP {status}"), detail))
        await self.respond(req, status, body.encode("utf-8"), p.PROBLEM_JSON, headers)

    # -- MOJ notices ---------------------------------------------------------

    async def list_notices(self, req: Request, lasdec: str, faults: list[dict[str, Any]]) -> None:
        after = (req.query.get("after") or [""])[0]
        done = {
            row[0] for row in self._sql("SELECT file_id FROM receipts WHERE lasdec = ?", (lasdec,))
        }
        wrong = [r for r in faults if r.get("action") == "wrong_hash"]
        files = []
        for item in self.notice_files(lasdec):
            if item.file_id in done or (after and item.file_id <= after):
                continue
            if any(fnmatch.fnmatchcase(item.name, str(r.get("name", "*"))) for r in wrong):
                item = p.NoticeFile(**{**item.to_json(), "sha256": "0" * 64})
            files.append(item)
            if len(files) == PAGE:
                break
        cursor = files[-1].file_id if files else after
        await self.json(req, 200, {"files": [f.to_json() for f in files], "cursor": cursor})

    async def download(
        self, req: Request, lasdec: str, file_id: str, faults: list[dict[str, Any]]
    ) -> None:
        path = self.find_notice(lasdec, file_id)
        if path is None:
            await self.problem(req, 404, "not-found", f"no notice file {file_id}")
            return
        sha, _ = self._digest(path)
        size = path.stat().st_size
        start, end = 0, size - 1
        status = 200
        headers = {"etag": f'"{sha}"', "accept-ranges": "bytes"}
        wanted = req.headers.get("range", "")
        if_range = req.headers.get("if-range", "")
        if wanted and (not if_range or if_range.strip('"') == sha):
            unit, _, spec = wanted.partition("=")
            first, _, last = spec.partition("-")
            try:
                if unit.strip() != "bytes" or "," in spec or not first:
                    raise ValueError(wanted)
                start = int(first)
                end = min(int(last), size - 1) if last else size - 1
                if start > end or start >= size:
                    raise ValueError(wanted)
            except ValueError:
                await self.problem(
                    req,
                    416,
                    "range",
                    f"bad range {wanted}",
                    headers={"content-range": f"bytes */{size}"},
                )
                return
            status = 206
            headers["content-range"] = f"bytes {start}-{end}/{size}"
        length = end - start + 1
        drop = next((r for r in faults if r.get("action") == "drop"), None)
        throttle = next((r for r in faults if r.get("action") == "throttle"), None)
        rate = float(throttle["bytes_per_second"]) if throttle else 0.0
        raw = [
            (b"content-type", b"text/csv; charset=utf-8"),
            (b"content-length", str(length).encode()),
        ]
        raw += [(k.encode(), v.encode()) for k, v in headers.items()]
        await req.send({"type": "http.response.start", "status": status, "headers": raw})
        if req.method == "HEAD":
            await req.send({"type": "http.response.body", "body": b""})
            return
        self.history(lasdec, "download", f"{file_id} {start}-{end}")
        limit = int(drop.get("after_bytes", length // 2)) if drop else None
        sent = 0
        began = time.monotonic()
        chunk_size = CHUNK if not rate else max(1024, min(CHUNK, int(rate / 20)))
        with path.open("rb") as handle:
            handle.seek(start)
            while sent < length:
                piece = handle.read(min(chunk_size, length - sent))
                if not piece:
                    break
                if limit is not None and sent + len(piece) >= limit:
                    piece = piece[: max(limit - sent, 0)]
                    if piece:
                        await req.send(
                            {"type": "http.response.body", "body": piece, "more_body": True}
                        )
                    raise Cut(f"download of {file_id} cut after {limit} bytes")
                sent += len(piece)
                await req.send(
                    {"type": "http.response.body", "body": piece, "more_body": sent < length}
                )
                if rate:
                    ahead = began + sent / rate - time.monotonic()
                    if ahead > 0:
                        await asyncio.sleep(ahead)
        if sent < length:  # the file shrank under us
            raise Cut(f"{file_id} changed while being served")

    async def read_body(self, req: Request, cut_after: int | None = None) -> bytes:
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

    async def receipt(self, req: Request, lasdec: str, file_id: str) -> None:
        body = await self.read_body(req)
        path = self.find_notice(lasdec, file_id)
        if path is None:
            await self.problem(req, 404, "not-found", f"no notice file {file_id}")
            return
        try:
            claimed = str(json.loads(body)["sha256"]).lower()
        except (ValueError, KeyError, TypeError):
            await self.problem(req, 400, "bad-request", 'body must be {"sha256": …}')
            return
        sha, _ = self._digest(path)
        if claimed != sha:
            await self.problem(req, 409, "hash-mismatch", f"{file_id}: sha256 {claimed} != {sha}")
            return
        self._sql(
            "INSERT OR IGNORE INTO receipts (lasdec, file_id, sha256, at) VALUES (?, ?, ?, ?)",
            (lasdec, file_id, sha, _now()),
        )
        at = self._sql(
            "SELECT at FROM receipts WHERE lasdec = ? AND file_id = ?", (lasdec, file_id)
        )[0][0]
        self.history(lasdec, "receipt", file_id)
        await self.json(req, 200, {"file_id": file_id, "receipted_at": at})

    # -- municipal notices ---------------------------------------------------

    async def upload(self, req: Request, lasdec: str, faults: list[dict[str, Any]]) -> None:
        key = req.headers.get(p.IDEMPOTENCY_KEY.lower(), "")
        drop = next((r for r in faults if r.get("action") == "drop"), None)
        body = await self.read_body(req, int(drop.get("after_bytes", 1)) if drop else None)
        if not p.IDEMPOTENCY_RE.match(key):
            await self.problem(
                req, 400, "bad-request", "Idempotency-Key header missing or malformed"
            )
            return
        digest = p.parse_content_digest(req.headers.get(p.CONTENT_DIGEST.lower(), ""))
        actual = hashlib.sha256(body).digest()
        if digest is None or digest != actual:
            await self.problem(
                req, 400, "digest-mismatch", "Content-Digest does not match the body"
            )
            return
        rows = self._sql(
            "SELECT digest, answer FROM uploads WHERE lasdec = ? AND idem_key = ?", (lasdec, key)
        )
        if rows:
            if rows[0][0] != actual.hex():
                await self.problem(
                    req,
                    422,
                    "idempotency-conflict",
                    "this Idempotency-Key was used for another file",
                )
                return
            self.history(lasdec, "upload-repeat", key)
            await self.json(req, 200, json.loads(rows[0][1]))
            return
        parsed = formats.read("muni", body, lasdec=lasdec)
        if parsed.fatal is not None:
            await self.problem(req, 422, "bad-file", parsed.fatal.render("ja"))
            return
        errors: dict[int, str] = {}
        for problem in parsed.report.errors:
            errors.setdefault(problem.line, f"{problem.column}: {problem.reason('ja')}")
        rejects = [r for r in faults if r.get("action") == "reject"]
        receipt_id = "r-" + hashlib.sha256(f"{lasdec}/{key}".encode()).hexdigest()[:20]
        accepted: list[dict[str, str]] = []
        rejected: list[p.Rejection] = []
        # one lock from "which notices are held" to "these are held now": a second
        # copy of a notice is answered as already held whatever its Idempotency-Key
        with self._db_lock, self._db:
            ids = [r.get("notice_id", "") for r in parsed.records]
            held = self._held(lasdec, ids)
            for line, record in zip(parsed.lines, parsed.records, strict=True):
                card = record.get("card_number", "")
                notice_id = record.get("notice_id", "")
                reason = errors.get(line, "")
                for rule in rejects:
                    if card in rule.get("card_numbers", []) or line in rule.get("lines", []):
                        reason = str(rule.get("reason", "rejected by the linkage server"))
                if not reason and notice_id and notice_id in held:
                    rejected.append(
                        p.Rejection(
                            line=line,
                            reason=f"notice {notice_id} already held ({held[notice_id]})",
                            notice_id=notice_id,
                            card_number=card,
                            code=p.ALREADY_HELD,
                            held_receipt=held[notice_id],
                        )
                    )
                elif reason:
                    rejected.append(
                        p.Rejection(line=line, reason=reason, notice_id=notice_id, card_number=card)
                    )
                else:
                    accepted.append(record)
                    if notice_id:
                        held[notice_id] = receipt_id
            answer = p.SendAnswer(
                receipt_id=receipt_id, accepted=len(accepted), rejected=tuple(rejected)
            )
            if accepted:
                folder = self.received_dir(lasdec)
                folder.mkdir(parents=True, exist_ok=True)
                data = formats.write("muni", accepted, extra_columns=parsed.extra_columns)
                write_atomic(folder / f"{receipt_id}.csv", data)
            now = _now()
            self._db.execute(
                "INSERT INTO uploads (lasdec, idem_key, receipt_id, digest, answer, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (lasdec, key, receipt_id, actual.hex(), json.dumps(answer.to_json()), now),
            )
            self._db.executemany(
                "INSERT INTO notices (lasdec, notice_id, receipt_id, idem_key, at)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (lasdec, r["notice_id"], receipt_id, key, now)
                    for r in accepted
                    if r.get("notice_id")
                ],
            )
        self.history(
            lasdec, "upload", f"{receipt_id} accepted={len(accepted)} rejected={len(rejected)}"
        )
        if any(r.get("action") == "drop_after_store" for r in faults):
            raise Cut("answer to an upload dropped after storing it")
        await self.json(req, 201, answer.to_json())

    def _held(self, lasdec: str, notice_ids: list[str]) -> dict[str, str]:
        """notice_id → receipt that took it, for those of ``notice_ids`` held
        (the caller holds the database lock)."""
        held: dict[str, str] = {}
        for start in range(0, len(notice_ids), 500):
            part = notice_ids[start : start + 500]
            marks = ", ".join("?" * len(part))
            held.update(
                self._db.execute(
                    f"SELECT notice_id, receipt_id FROM notices WHERE lasdec = ?"
                    f" AND notice_id IN ({marks})",
                    (lasdec, *part),
                ).fetchall()
            )
        return held

    async def holdings(self, req: Request, lasdec: str) -> None:
        """What this terminal has delivered: uploads (key, receipt, notice ids) and
        取得通知 (with the listing entry of each file still offered)."""
        ids: dict[str, list[str]] = {}
        for receipt_id, notice_id in self._sql(
            "SELECT receipt_id, notice_id FROM notices WHERE lasdec = ? ORDER BY at, notice_id",
            (lasdec,),
        ):
            ids.setdefault(receipt_id, []).append(notice_id)
        uploads = tuple(
            p.HeldUpload(key, receipt_id, tuple(ids.get(receipt_id, ())))
            for key, receipt_id in self._sql(
                "SELECT idem_key, receipt_id FROM uploads WHERE lasdec = ? ORDER BY at",
                (lasdec,),
            )
        )
        offered = {f.file_id: f for f in self.notice_files(lasdec)}
        receipts = tuple(
            p.HeldReceipt(file_id, sha, at, offered.get(file_id))
            for file_id, sha, at in self._sql(
                "SELECT file_id, sha256, at FROM receipts WHERE lasdec = ? ORDER BY file_id",
                (lasdec,),
            )
        )
        await self.json(req, 200, p.Holdings(uploads, receipts).to_json())

    async def upload_result(self, req: Request, lasdec: str, receipt_id: str) -> None:
        rows = self._sql(
            "SELECT answer FROM uploads WHERE lasdec = ? AND receipt_id = ?", (lasdec, receipt_id)
        )
        if not rows:
            await self.problem(req, 404, "not-found", f"no upload {receipt_id}")
            return
        await self.json(req, 200, json.loads(rows[0][0]))


# -- running it ---------------------------------------------------------------


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
