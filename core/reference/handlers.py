"""One function per endpoint of PROTOCOL.md (plus ``GET /v1/holdings``, README).

Each gets the request, the calling terminal's LASDEC code (its token already
checked), the ``Site`` and the fault rules that hit this request.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from core import formats
from core.durable import write_atomic
from core.exchange import protocol as p
from core.reference import ranges
from core.reference.faults import Faults, Rule, every, first
from core.reference.ledger import Ledger
from core.reference.root import Root
from core.reference.wire import Cut, Request, answer_json, problem, read_body

PAGE = 100  # files per listing page


@dataclass(frozen=True)
class Site:
    """What every handler reaches: the root folder, the ledger, the faults file."""

    root: Root
    ledger: Ledger
    faults: Faults


async def server_time(site: Site, req: Request) -> None:
    """``GET /v1/time``: now, set off by ``clock_offset``."""
    now = datetime.fromtimestamp(time.time() + site.faults.clock_offset(), UTC)
    await answer_json(req, 200, {"now": now.isoformat()})


# -- MOJ notices ---------------------------------------------------------------


async def list_notices(site: Site, req: Request, lasdec: str, hits: list[Rule]) -> None:
    """``GET /v1/moj-notices?after=``: a page of the files not yet receipted."""
    after = (req.query.get("after") or [""])[0]
    done = site.ledger.receipted(lasdec)
    wrong = every(hits, "wrong_hash")
    files = []
    for item in site.root.notice_files(lasdec):
        if item.file_id in done or (after and item.file_id <= after):
            continue
        if any(fnmatch.fnmatchcase(item.name, str(r.get("name", "*"))) for r in wrong):
            item = p.NoticeFile(**{**item.to_json(), "sha256": "0" * 64})
        files.append(item)
        if len(files) == PAGE:
            break
    cursor = files[-1].file_id if files else after
    await answer_json(req, 200, {"files": [f.to_json() for f in files], "cursor": cursor})


async def download(site: Site, req: Request, lasdec: str, file_id: str, hits: list[Rule]) -> None:
    """``GET|HEAD /v1/moj-notices/{file_id}``: the file, ETag its SHA-256, Range served."""
    path = site.root.find_notice(lasdec, file_id)
    if path is None:
        await problem(req, 404, "not-found", f"no notice file {file_id}")
        return
    sha, _ = site.root.digest(path)
    size = path.stat().st_size
    start, end = 0, size - 1
    status = 200
    headers = {"etag": f'"{sha}"', "accept-ranges": "bytes"}
    wanted = req.headers.get("range", "")
    try:
        asked = ranges.byte_range(wanted, req.headers.get("if-range", ""), sha, size)
    except ranges.BadRange:
        await problem(
            req, 416, "range", f"bad range {wanted}", headers={"content-range": f"bytes */{size}"}
        )
        return
    if asked is not None:
        start, end = asked
        status = 206
        headers["content-range"] = f"bytes {start}-{end}/{size}"
    length = end - start + 1
    drop = first(hits, "drop")
    throttle = first(hits, "throttle")
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
    site.ledger.history(lasdec, "download", f"{file_id} {start}-{end}")
    cut_at = int(drop.get("after_bytes", length // 2)) if drop else None
    await ranges.stream(req, path, start, length, name=file_id, cut_at=cut_at, rate=rate)


async def receipt(site: Site, req: Request, lasdec: str, file_id: str) -> None:
    """``POST /v1/moj-notices/{file_id}/receipt``: 取得通知, idempotent; 409 on a wrong hash."""
    body = await read_body(req)
    path = site.root.find_notice(lasdec, file_id)
    if path is None:
        await problem(req, 404, "not-found", f"no notice file {file_id}")
        return
    try:
        claimed = str(json.loads(body)["sha256"]).lower()
    except (ValueError, KeyError, TypeError):
        await problem(req, 400, "bad-request", 'body must be {"sha256": …}')
        return
    sha, _ = site.root.digest(path)
    if claimed != sha:
        await problem(req, 409, "hash-mismatch", f"{file_id}: sha256 {claimed} != {sha}")
        return
    at = site.ledger.receipt(lasdec, file_id, sha)
    site.ledger.history(lasdec, "receipt", file_id)
    await answer_json(req, 200, {"file_id": file_id, "receipted_at": at})


# -- municipal notices -----------------------------------------------------------


async def upload(site: Site, req: Request, lasdec: str, hits: list[Rule]) -> None:
    """``POST /v1/municipal-notices``: 201 and the 送信通知; the same key and body
    again, 200 and the same answer; each record judged on its own."""
    key = req.headers.get(p.IDEMPOTENCY_KEY.lower(), "")
    drop = first(hits, "drop")
    body = await read_body(req, int(drop.get("after_bytes", 1)) if drop else None)
    if not p.IDEMPOTENCY_RE.match(key):
        await problem(req, 400, "bad-request", "Idempotency-Key header missing or malformed")
        return
    digest = p.parse_content_digest(req.headers.get(p.CONTENT_DIGEST.lower(), ""))
    actual = hashlib.sha256(body).digest()
    if digest is None or digest != actual:
        await problem(req, 400, "digest-mismatch", "Content-Digest does not match the body")
        return
    before = site.ledger.upload(lasdec, key)
    if before is not None:
        if before[0] != actual.hex():
            await problem(
                req, 422, "idempotency-conflict", "this Idempotency-Key was used for another file"
            )
            return
        site.ledger.history(lasdec, "upload-repeat", key)
        await answer_json(req, 200, json.loads(before[1]))
        return
    parsed = formats.read("muni", body, lasdec=lasdec)
    if parsed.fatal is not None:
        await problem(req, 422, "bad-file", parsed.fatal.render("ja"))
        return
    errors: dict[int, str] = {}
    for finding in parsed.report.errors:
        errors.setdefault(finding.line, f"{finding.column}: {finding.reason('ja')}")
    receipt_id = "r-" + hashlib.sha256(f"{lasdec}/{key}".encode()).hexdigest()[:20]
    # one lock from "which notices are held" to "these are held now": a second
    # copy of a notice is answered as already held whatever its Idempotency-Key
    with site.ledger.delivering() as ledger:
        ids = [r.get("notice_id", "") for r in parsed.records]
        held = ledger.held(lasdec, ids)
        accepted, rejected = _judge(
            parsed.lines, parsed.records, errors, every(hits, "reject"), held, receipt_id
        )
        answer = p.SendAnswer(
            receipt_id=receipt_id, accepted=len(accepted), rejected=tuple(rejected)
        )
        if accepted:
            folder = site.root.received_dir(lasdec)
            folder.mkdir(parents=True, exist_ok=True)
            data = formats.write("muni", accepted, extra_columns=parsed.extra_columns)
            write_atomic(folder / f"{receipt_id}.csv", data)
        ledger.record(
            lasdec,
            key,
            receipt_id,
            actual.hex(),
            json.dumps(answer.to_json()),
            [r["notice_id"] for r in accepted if r.get("notice_id")],
        )
    site.ledger.history(
        lasdec, "upload", f"{receipt_id} accepted={len(accepted)} rejected={len(rejected)}"
    )
    if first(hits, "drop_after_store") is not None:
        raise Cut("answer to an upload dropped after storing it")
    await answer_json(req, 201, answer.to_json())


def _judge(
    lines: list[int],
    records: list[dict[str, str]],
    errors: dict[int, str],
    rejects: list[Rule],
    held: dict[str, str],
    receipt_id: str,
) -> tuple[list[dict[str, str]], list[p.Rejection]]:
    """(accepted records, rejections): a data-check error or a ``reject`` fault
    rejects a record with its reason, a notice already held (also earlier in this
    file) is rejected as such; ``held`` gains the accepted notices."""
    accepted: list[dict[str, str]] = []
    rejected: list[p.Rejection] = []
    for line, record in zip(lines, records, strict=True):
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
    return accepted, rejected


async def holdings(site: Site, req: Request, lasdec: str) -> None:
    """``GET /v1/holdings``: what this terminal has delivered: uploads (key, receipt,
    notice ids) and 取得通知 (with the listing entry of each file still offered)."""
    ids = site.ledger.notices_by_receipt(lasdec)
    uploads = tuple(
        p.HeldUpload(key, receipt_id, tuple(ids.get(receipt_id, ())))
        for key, receipt_id in site.ledger.uploads(lasdec)
    )
    offered = {f.file_id: f for f in site.root.notice_files(lasdec)}
    receipts = tuple(
        p.HeldReceipt(file_id, sha, at, offered.get(file_id))
        for file_id, sha, at in site.ledger.receipts(lasdec)
    )
    await answer_json(req, 200, p.Holdings(uploads, receipts).to_json())


async def upload_result(site: Site, req: Request, lasdec: str, receipt_id: str) -> None:
    """``GET /v1/municipal-notices/{receipt_id}``: the 送信通知 again."""
    answer = site.ledger.answer(lasdec, receipt_id)
    if answer is None:
        await problem(req, 404, "not-found", f"no upload {receipt_id}")
        return
    await answer_json(req, 200, json.loads(answer))
