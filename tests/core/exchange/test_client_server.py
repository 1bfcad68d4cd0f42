"""The client against the reference server over real TLS on loopback."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from core import formats
from core.exchange import protocol as p
from core.exchange.client import Client
from core.reference.tls import issue, make_ca
from tests.support.linkage import LinkageServer, spr_records

CSV = (
    "notice_id,card_number,card_made_date\r\n"
    + "".join(f"N{i:05d},AB{i:08d}CD,20240401\r\n" for i in range(2000))
).encode()

U = [f"00000000-0000-4000-8000-00000000000{n}" for n in range(5)]
CERTS = spr_records(5)


def muni(*numbers: int) -> bytes:
    """A municipal notice file of AF records for certificates ``numbers``."""
    return formats.write(
        "muni",
        [
            formats.af_record(CERTS[n], date(2024, 10, n), today=date(2024, 11, 1), notice_id=U[n])
            for n in numbers
        ],
    )


MUNI = muni(1, 2, 3)


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(server: LinkageServer, sleeps: Sleeps | None = None, **settings: object) -> Client:
    return Client(server.settings(**settings), sleep=sleeps if sleeps is not None else Sleeps())


def fetch_bytes(c: Client, item: p.NoticeFile) -> tuple[bytes, str]:
    got = bytearray()
    digest = c.download(item, got.extend)
    return bytes(got), digest


def test_list_download_receipt(linkage_server: LinkageServer) -> None:
    linkage_server.put_notice("spr-131041-20261121-0001.csv", CSV)
    linkage_server.put_notice("moj-131041-20261121-0001.csv", b"notice_id\r\nx\r\n")
    linkage_server.put_notice("readme.txt", b"not a notice")
    with client(linkage_server) as c:
        files = c.list_notices()
        assert [(f.kind, f.name, f.records) for f in files] == [
            ("moj", "moj-131041-20261121-0001.csv", 1),
            ("spr", "spr-131041-20261121-0001.csv", 2000),
        ]
        spr = files[1]
        assert spr.sha256 == hashlib.sha256(CSV).hexdigest() and spr.size == len(CSV)
        body, digest = fetch_bytes(c, spr)
        assert body == CSV and digest == spr.sha256
        c.receipt(spr.file_id, digest)
        c.receipt(spr.file_id, digest)  # idempotent
        assert [f.file_id for f in c.list_notices()] == ["moj-131041-20261121-0001"]
        with pytest.raises(p.ServerProblem) as wrong:
            c.receipt("moj-131041-20261121-0001", "0" * 64)
        assert wrong.value.status == 409 and wrong.value.key == "exchange.problem.hash_mismatch"


def test_listing_pages_with_cursor(linkage_server: LinkageServer) -> None:
    for i in range(230):
        linkage_server.put_notice(f"moj-131041-20261121-{i:04d}.csv", b"notice_id\r\n")
    with client(linkage_server) as c:
        files = c.list_notices()
    assert len(files) == 230 and len({f.file_id for f in files}) == 230


def test_server_time(linkage_server: LinkageServer) -> None:
    linkage_server.faults(clock_offset=3600)
    with client(linkage_server) as c:
        now = c.server_time()
    from datetime import UTC, datetime

    assert 3500 < (now - datetime.now(UTC)).total_seconds() < 3700


def test_unknown_token_is_a_clear_unretried_error(linkage_server: LinkageServer) -> None:
    with client(linkage_server, token="wrong") as c:
        with pytest.raises(p.ServerProblem) as err:
            c.list_notices()
        assert c.attempts == 1
    assert err.value.status == 401
    assert err.value.key == "exchange.problem.unauthorized"
    assert "トークン" in err.value.message("ja") and "token" in err.value.message("en")


def test_tls_is_verified_against_the_configured_ca(
    linkage_server: LinkageServer, tmp_path: Path
) -> None:
    other_ca, _ = make_ca("some other CA")
    (tmp_path / "other.pem").write_bytes(other_ca)
    with client(linkage_server, ca=str(tmp_path / "other.pem"), retries=0) as c:
        with pytest.raises(p.ExchangeError) as err:
            c.list_notices()
    assert err.value.key == "exchange.error.connection"
    assert "certificate" in err.value.message("en").lower()


def test_plain_http_needs_explicit_permission(linkage_server: LinkageServer) -> None:
    with pytest.raises(p.ExchangeError) as err:
        client(linkage_server, url=linkage_server.url.replace("https", "http"))
    assert err.value.key == "exchange.error.plain_http"


def test_503_with_retry_after_is_retried_honouring_it(linkage_server: LinkageServer) -> None:
    linkage_server.faults(
        {
            "match": "GET /v1/moj-notices",
            "action": "status",
            "status": 503,
            "retry_after": 7,
            "times": 2,
        }
    )
    sleeps = Sleeps()
    with client(linkage_server, sleeps) as c:
        assert c.list_notices() == []
        assert c.attempts == 3
    assert sleeps == [7.0, 7.0]


def test_500_backs_off_with_jitter_then_gives_up(linkage_server: LinkageServer) -> None:
    linkage_server.faults({"match": "*", "action": "status", "status": 500})
    sleeps = Sleeps()
    with client(linkage_server, sleeps, retries=3) as c:
        with pytest.raises(p.ServerProblem) as err:
            c.list_notices()
        assert c.attempts == 4
    assert err.value.status == 500
    assert len(sleeps) == 3 and all(0 <= s <= 0.5 * 2**i for i, s in enumerate(sleeps))


def test_404_is_not_retried(linkage_server: LinkageServer) -> None:
    with client(linkage_server) as c:
        with pytest.raises(p.ServerProblem) as err:
            c.receipt("moj-131041-20000101-0001", "0" * 64)
        assert c.attempts == 1
    assert err.value.status == 404


def test_download_resumes_with_range_after_a_drop(linkage_server: LinkageServer) -> None:
    linkage_server.put_notice("spr-131041-20261121-0001.csv", CSV)
    linkage_server.faults(
        {"match": "GET /v1/moj-notices/*", "action": "drop", "after_bytes": 10_000, "times": 1}
    )
    with client(linkage_server) as c:
        (item,) = c.list_notices()
        before = c.attempts
        body, digest = fetch_bytes(c, item)
        assert c.attempts - before == 2  # the cut download, the resumed one
    assert body == CSV and digest == item.sha256
    db = sqlite3.connect(linkage_server.root / "server.sqlite")
    ranges = [r[0] for r in db.execute("SELECT detail FROM history WHERE action = 'download'")]
    assert ranges == [f"{item.file_id} 0-{len(CSV) - 1}", f"{item.file_id} 10000-{len(CSV) - 1}"]


def test_slow_server_past_the_read_timeout(linkage_server: LinkageServer) -> None:
    linkage_server.faults({"match": "GET /v1/time", "action": "delay", "seconds": 2})
    with client(linkage_server, read_timeout=0.3, retries=1) as c:
        with pytest.raises(p.ExchangeError) as err:
            c.server_time()
        assert c.attempts == 2
    assert err.value.key == "exchange.error.timeout"


def test_upload_is_idempotent_by_key(linkage_server: LinkageServer) -> None:
    with client(linkage_server) as c:
        status, answer = c.send_municipal(MUNI, "0f3c2a4e-1111-2222-3333-444455556666")
        assert status == 201 and answer.accepted == 3 and answer.rejected == ()
        again_status, again = c.send_municipal(MUNI, "0f3c2a4e-1111-2222-3333-444455556666")
        assert again_status == 200 and again == answer
        assert c.municipal_result(answer.receipt_id) == answer
        with pytest.raises(p.ServerProblem) as conflict:
            c.send_municipal(muni(1, 2, 3, 4), "0f3c2a4e-1111-2222-3333-444455556666")
    assert conflict.value.status == 422
    assert [r["notice_id"] for r in linkage_server.received_records()] == U[1:4]


def test_upload_answer_lost_after_store_is_repeated_not_doubled(
    linkage_server: LinkageServer,
) -> None:
    linkage_server.faults(
        {"match": "POST /v1/municipal-notices", "action": "drop_after_store", "times": 1}
    )
    with client(linkage_server) as c:
        status, answer = c.send_municipal(MUNI, "aaaaaaaa-0000-0000-0000-000000000001")
    assert status == 200 and answer.accepted == 3
    assert len(linkage_server.received_records()) == 3


def test_upload_cut_mid_body_is_retried(linkage_server: LinkageServer) -> None:
    linkage_server.faults(
        {"match": "POST /v1/municipal-notices", "action": "drop", "after_bytes": 20, "times": 1}
    )
    with client(linkage_server) as c:
        status, answer = c.send_municipal(MUNI, "aaaaaaaa-0000-0000-0000-000000000002")
        assert c.attempts == 2
    assert status == 201 and answer.accepted == 3
    assert len(linkage_server.received_records()) == 3


def test_partial_rejection_names_line_and_reason(linkage_server: LinkageServer) -> None:
    linkage_server.faults(
        {
            "match": "POST /v1/municipal-notices",
            "action": "reject",
            "card_numbers": ["AB00000002CD"],
            "reason": "番号が存在しません",
        }
    )
    with client(linkage_server) as c:
        _, answer = c.send_municipal(MUNI, "aaaaaaaa-0000-0000-0000-000000000003")
    assert answer.accepted == 2
    assert answer.rejected == (
        p.Rejection(
            line=3, reason="番号が存在しません", notice_id=U[2], card_number="AB00000002CD"
        ),
    )
    assert [r["notice_id"] for r in linkage_server.received_records()] == [U[1], U[3]]


def test_digest_mismatch_is_refused(linkage_server: LinkageServer) -> None:
    with client(linkage_server) as c:
        response = c.http.post(
            p.MUNICIPAL,
            content=MUNI,
            headers={
                p.IDEMPOTENCY_KEY: "aaaaaaaa-0000-0000-0000-000000000004",
                p.CONTENT_DIGEST: p.content_digest(b"other"),
            },
        )
    assert response.status_code == 400
    assert response.headers["content-type"] == p.PROBLEM_JSON
    assert response.json()["type"].endswith("digest-mismatch")
    assert linkage_server.received_records() == []


def test_client_certificate_required(tmp_path: Path) -> None:
    ca_pem, ca_key = make_ca("terminal CA")
    (tmp_path / "tca.pem").write_bytes(ca_pem)
    cert, key = issue(ca_pem, ca_key, "terminal 131041", server=False)
    (tmp_path / "t.pem").write_bytes(cert)
    (tmp_path / "t-key.pem").write_bytes(key)
    server = LinkageServer(tmp_path / "root", client_ca=tmp_path / "tca.pem").start()
    try:
        with client(server, retries=0) as c:
            with pytest.raises(p.ExchangeError):
                c.server_time()
        with client(
            server, client_cert=str(tmp_path / "t.pem"), client_key=str(tmp_path / "t-key.pem")
        ) as c:
            assert c.server_time().year > 2000
    finally:
        server.stop()


def test_server_rejects_records_failing_the_data_check(linkage_server: LinkageServer) -> None:
    records = [
        formats.af_record(CERTS[n], date(2024, 10, 1), today=date(2024, 11, 1), notice_id=U[n])
        for n in (1, 2)
    ]
    records[1]["birth_date"] = "20240230"
    body = formats.write("muni", records)
    with client(linkage_server) as c:
        _, answer = c.send_municipal(body, "aaaaaaaa-0000-0000-0000-000000000005")
        assert answer.accepted == 1 and [r.line for r in answer.rejected] == [3]
        assert "birth_date" in answer.rejected[0].reason
        with pytest.raises(p.ServerProblem) as whole:
            c.send_municipal(b"not,a\r\nmunicipal,file\r\n", "aaaaaaaa-0000-0000-0000-000000000006")
    assert whole.value.status == 422 and whole.value.key == "exchange.problem.bad_file"
