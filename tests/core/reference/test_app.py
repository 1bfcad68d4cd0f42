"""The reference server over real HTTPS on loopback, spoken to with bare httpx
(not the terminal's client), one test per endpoint of PROTOCOL.md.

Expected values come from PROTOCOL.md (paths, the listing's fields, ETag = the
SHA-256, 201 then 200 for the same Idempotency-Key, 409 for a receipt with a
wrong hash), the README's ``GET /v1/holdings`` shape, RFC 9457 (problem+json
members), RFC 9110 (Range, If-Range, 416 with ``bytes */length``), RFC 6750
(``WWW-Authenticate: Bearer``) and from the bytes put on the server (hashlib,
the csv module) — never from the server's code.
"""

from __future__ import annotations

import hashlib

import httpx
import pytest

from core.reference import synth
from tests.core.reference.bare import KEY, MOJ, SPR, assert_problem, digest, post_muni, rows
from tests.support.linkage import LinkageServer, spr_file, spr_records


def test_the_server_speaks_https_with_its_own_ca(linkage_server: LinkageServer) -> None:
    assert linkage_server.url.startswith("https://127.0.0.1:")
    with pytest.raises(httpx.ConnectError):  # not trusted without ca.pem
        httpx.get(linkage_server.url + "/v1/time")


def test_a_request_without_a_known_token_is_401(
    linkage_server: LinkageServer, http: httpx.Client
) -> None:
    for token in ("", "Bearer nope", f"Basic {linkage_server.token}"):
        answer = http.get("/v1/time", headers={"Authorization": token})
        assert_problem(answer, 401)
        assert answer.headers["www-authenticate"] == "Bearer"


def test_time_and_an_unknown_path(http: httpx.Client) -> None:
    assert "now" in http.get("/v1/time").json()
    assert_problem(http.get("/v1/nothing"), 404)
    assert_problem(http.delete("/v1/holdings"), 404)


def test_the_listing_names_each_file_with_its_size_hash_and_records(
    linkage_server: LinkageServer, http: httpx.Client
) -> None:
    spr = spr_file(spr_records(7))
    moj = synth.moj_file("131041", 5, seed=1)
    linkage_server.put_notice(f"{SPR}.csv", spr)
    linkage_server.put_notice(f"{MOJ}.csv", moj)
    linkage_server.put_notice("readme.txt", b"not a notice")
    listing = http.get("/v1/moj-notices").json()
    files = {f["file_id"]: f for f in listing["files"]}
    assert sorted(files) == [MOJ, SPR]
    for file_id, kind, data in ((SPR, "spr", spr), (MOJ, "moj", moj)):
        entry = files[file_id]
        assert entry["kind"] == kind
        assert entry["name"] == f"{file_id}.csv"
        assert entry["size"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["records"] == len(rows(data))
        assert entry["created"]
    assert listing["cursor"] == max(files)
    assert http.get("/v1/moj-notices", params={"after": listing["cursor"]}).json()["files"] == []


def test_download_has_the_hash_as_etag_and_serves_ranges(
    linkage_server: LinkageServer, http: httpx.Client
) -> None:
    data = spr_file(spr_records(20))
    sha = hashlib.sha256(data).hexdigest()
    linkage_server.put_notice(f"{SPR}.csv", data)
    whole = http.get(f"/v1/moj-notices/{SPR}")
    assert whole.status_code == 200
    assert whole.content == data
    assert whole.headers["etag"] == f'"{sha}"'
    assert whole.headers["accept-ranges"] == "bytes"

    resumed = http.get(f"/v1/moj-notices/{SPR}", headers={"Range": "bytes=100-"})
    assert resumed.status_code == 206
    assert resumed.headers["content-range"] == f"bytes 100-{len(data) - 1}/{len(data)}"
    assert resumed.content == data[100:]

    middle = http.get(
        f"/v1/moj-notices/{SPR}", headers={"Range": "bytes=10-19", "If-Range": f'"{sha}"'}
    )
    assert (middle.status_code, middle.content) == (206, data[10:20])
    # If-Range naming another version: the whole file (RFC 9110 §13.1.5)
    other = http.get(
        f"/v1/moj-notices/{SPR}", headers={"Range": "bytes=10-19", "If-Range": '"abc"'}
    )
    assert (other.status_code, other.content) == (200, data)

    head = http.head(f"/v1/moj-notices/{SPR}")
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == str(len(data))


def test_a_range_past_the_end_is_416_with_the_length(
    linkage_server: LinkageServer, http: httpx.Client
) -> None:
    data = spr_file(spr_records(3))
    linkage_server.put_notice(f"{SPR}.csv", data)
    answer = http.get(f"/v1/moj-notices/{SPR}", headers={"Range": f"bytes={len(data)}-"})
    assert_problem(answer, 416)
    assert answer.headers["content-range"] == f"bytes */{len(data)}"


def test_files_outside_the_folder_are_not_served(
    linkage_server: LinkageServer, http: httpx.Client
) -> None:
    linkage_server.put_notice("readme.txt", b"x")
    for file_id in ("readme", "../../tokens", "nothere"):
        assert_problem(http.get(f"/v1/moj-notices/{file_id}"), 404)


def test_a_receipt_is_idempotent_and_a_wrong_hash_is_409(
    linkage_server: LinkageServer, http: httpx.Client
) -> None:
    data = spr_file(spr_records(4))
    sha = hashlib.sha256(data).hexdigest()
    linkage_server.put_notice(f"{SPR}.csv", data)
    assert_problem(http.post(f"/v1/moj-notices/{SPR}/receipt", json={"sha256": "0" * 64}), 409)
    assert [f["file_id"] for f in http.get("/v1/moj-notices").json()["files"]] == [SPR]
    first = http.post(f"/v1/moj-notices/{SPR}/receipt", json={"sha256": sha})
    again = http.post(f"/v1/moj-notices/{SPR}/receipt", json={"sha256": sha})
    assert first.status_code == again.status_code == 200
    assert first.json()["file_id"] == SPR
    assert again.json() == first.json()
    # "list of MOJ notice files not yet receipted"
    assert http.get("/v1/moj-notices").json()["files"] == []
    assert_problem(http.post("/v1/moj-notices/nothere/receipt", json={"sha256": sha}), 404)


def test_an_upload_is_answered_once_and_stored_once(
    linkage_server: LinkageServer, http: httpx.Client
) -> None:
    body = synth.muni_file("131041", 6, seed=5)
    sent = rows(body)
    first = post_muni(http, body)
    assert first.status_code == 201
    answer = first.json()
    assert answer["accepted"] == len(sent)
    assert answer["rejected"] == []
    assert [r["notice_id"] for r in linkage_server.received_records()] == [
        r["notice_id"] for r in sent
    ]
    again = post_muni(http, body)
    assert (again.status_code, again.json()) == (200, answer)
    assert len(linkage_server.received_files()) == 1
    result = http.get(f"/v1/municipal-notices/{answer['receipt_id']}")
    assert (result.status_code, result.json()) == (200, answer)
    assert_problem(http.get("/v1/municipal-notices/r-nothing"), 404)


def test_an_upload_that_does_not_match_its_headers_changes_nothing(
    linkage_server: LinkageServer, http: httpx.Client
) -> None:
    body = synth.muni_file("131041", 3, seed=5)
    assert post_muni(http, body).status_code == 201
    # the same key for another file
    assert_problem(post_muni(http, synth.muni_file("131041", 2, seed=6)), 422)
    # a digest of other bytes; a malformed key
    other = "00000000-0000-4000-8000-000000000002"
    bad_digest = {"Idempotency-Key": other, "Content-Digest": digest(b"x")}
    assert_problem(http.post("/v1/municipal-notices", content=body, headers=bad_digest), 400)
    no_key = {"Idempotency-Key": "bad", "Content-Digest": digest(body)}
    assert_problem(http.post("/v1/municipal-notices", content=body, headers=no_key), 400)
    assert len(linkage_server.received_files()) == 1


def test_a_notice_already_held_comes_back_as_such(
    linkage_server: LinkageServer, http: httpx.Client
) -> None:
    body = synth.muni_file("131041", 3, seed=5)
    receipt = post_muni(http, body).json()["receipt_id"]
    copy = post_muni(http, body, key="00000000-0000-4000-8000-000000000002").json()
    assert copy["accepted"] == 0
    assert [(r["line"], r["code"], r["held_receipt"]) for r in copy["rejected"]] == [
        (line, "already-held", receipt) for line in (2, 3, 4)
    ]
    assert len(linkage_server.received_files()) == 1


def test_holdings_name_uploads_and_receipts(
    linkage_server: LinkageServer, http: httpx.Client
) -> None:
    data = spr_file(spr_records(2))
    sha = hashlib.sha256(data).hexdigest()
    linkage_server.put_notice(f"{SPR}.csv", data)
    at = http.post(f"/v1/moj-notices/{SPR}/receipt", json={"sha256": sha}).json()["receipted_at"]
    body = synth.muni_file("131041", 2, seed=5)
    receipt = post_muni(http, body).json()["receipt_id"]
    held = http.get("/v1/holdings").json()
    assert held["uploads"] == [
        {
            "idempotency_key": KEY,
            "receipt_id": receipt,
            "notice_ids": sorted(r["notice_id"] for r in rows(body)),
        }
    ]
    (entry,) = held["receipts"]
    assert (entry["file_id"], entry["sha256"], entry["receipted_at"]) == (SPR, sha, at)
    assert entry["file"]["sha256"] == sha
