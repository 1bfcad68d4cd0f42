"""Exactly once at the other end: the reference server holds a municipal notice
(by ``notice_id``) once, whatever Idempotency-Key a copy comes under, and says
so per record; the terminal takes that answer as "already delivered".

The second upload is made with bare httpx from the bytes the server itself
stored, so the check does not depend on the terminal's own client.
"""

from __future__ import annotations

import base64
import hashlib
import ssl
import uuid
from collections import Counter
from datetime import date
from pathlib import Path

import httpx

from core.session import unlock
from tests.support.linkage import PASSPHRASE, LinkageServer, Sleeps, spr_file, spr_records


def _post(server: LinkageServer, body: bytes, key: str) -> httpx.Response:
    digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
    ctx = ssl.create_default_context(cafile=str(server.ca))
    with httpx.Client(base_url=server.url, verify=ctx) as http:
        return http.post(
            "/v1/municipal-notices",
            content=body,
            headers={
                "Authorization": f"Bearer {server.token}",
                "Idempotency-Key": key,
                "Content-Digest": f"sha-256=:{digest}:",
                "Content-Type": "text/csv; charset=utf-8",
            },
        )


def _entered_and_sent(terminal_dir: Path, server: LinkageServer, cards: int) -> str:
    server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(10)))
    with unlock(terminal_dir, PASSPHRASE, sleep=Sleeps()) as t:
        t.fetch()
        for n in range(cards):
            t.enter(f"AB{n:08d}CD", date(2024, 5, 1 + n))
        result = t.send()
    assert result.accepted == cards
    return result.receipt_ids[0]


def test_a_second_copy_under_another_key_is_answered_already_held(
    terminal_dir: Path, linkage_server: LinkageServer
) -> None:
    first = _entered_and_sent(terminal_dir, linkage_server, 2)
    (stored,) = linkage_server.received_files()
    again = _post(linkage_server, stored.read_bytes(), str(uuid.uuid4()))
    assert again.status_code == 201
    answer = again.json()
    assert answer["accepted"] == 0
    assert [(r["line"], r["code"], r["held_receipt"]) for r in answer["rejected"]] == [
        (2, "already-held", first),
        (3, "already-held", first),
    ]
    # nothing stored twice
    assert len(linkage_server.received_files()) == 1
    assert len(linkage_server.received_records()) == 2


def test_the_terminal_takes_already_held_as_delivered(
    terminal_dir: Path, linkage_server: LinkageServer
) -> None:
    first = _entered_and_sent(terminal_dir, linkage_server, 3)
    with unlock(terminal_dir, PASSPHRASE, sleep=Sleeps()) as t:
        # the records put back in the queue behind the terminal's back (a database edit)
        t.vault.store.execute("UPDATE exchange_outbox SET state = 'queued', batch_id = NULL")
        result = t.send()
        assert (result.accepted, result.rejected) == (3, 0)
        items = t.outbox()
        assert {(o.state, o.receipt_id) for o in items} == {("sent", first)}
        assert t.status().rejected == 0
    received = Counter(r["card_number"] for r in linkage_server.received_records())
    assert received == Counter(f"AB{n:08d}CD" for n in range(3))
