"""faults.toml: which requests a rule hits, how often, and what each action does
to a real exchange over HTTPS (bare httpx).

Expected values come from the faults.toml format the server documents (what
PROTOCOL.md asks it to simulate: delay, a dropped connection mid-body, 500/503,
rejections) and from the bytes put on the server.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import httpx
import pytest
import tomli_w

from core.reference import synth
from core.reference.faults import Faults
from tests.core.reference.bare import SPR, assert_problem, post_muni, rows
from tests.support.linkage import LinkageServer, spr_file, spr_records


def write(path: Path, data: dict[str, object], stamp: int) -> None:
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))


def test_rules_hit_by_method_and_path_glob_and_count_down(tmp_path: Path) -> None:
    path = tmp_path / "faults.toml"
    faults = Faults(path)
    assert faults.take("GET", "/v1/time") == []  # no file: a well-behaved server
    rules = [
        {"match": "GET /v1/moj-notices/*", "action": "drop", "times": 2},
        {"match": "*", "action": "delay", "seconds": 0},
        {"match": "POST /v1/municipal-notices", "action": "reject", "lines": [2]},
    ]
    write(path, {"fault": rules}, 1_000_000_000)
    assert faults.take("GET", "/v1/moj-notices/f1") == rules[:2]
    assert faults.take("HEAD", "/v1/moj-notices/f1") == [rules[1]]
    assert faults.take("GET", "/v1/moj-notices") == [rules[1]]
    assert faults.take("post", "/v1/municipal-notices") == [rules[1]]  # methods as sent
    assert faults.take("POST", "/v1/municipal-notices") == rules[1:]
    assert faults.take("GET", "/v1/moj-notices/f2") == rules[:2]
    assert faults.take("GET", "/v1/moj-notices/f3") == [rules[1]]  # times = 2 used up
    # a changed file starts the counts again
    write(path, {"fault": rules, "clock_offset": 60}, 2_000_000_000)
    assert faults.take("GET", "/v1/moj-notices/f4") == rules[:2]
    assert faults.clock_offset() == 60.0


def test_a_broken_faults_file_is_no_fault(tmp_path: Path) -> None:
    path = tmp_path / "faults.toml"
    path.write_text("[[fault]\nmatch = ", encoding="utf-8")
    faults = Faults(path)
    assert faults.take("GET", "/v1/time") == []
    assert faults.clock_offset() == 0.0


def test_status_answers_before_the_token_is_looked_at(
    linkage_server: LinkageServer, http: httpx.Client
) -> None:
    linkage_server.faults({"match": "GET /v1/time", "action": "status", "status": 503,
                           "retry_after": 2, "times": 1})  # fmt: skip
    answer = http.get("/v1/time", headers={"Authorization": "Bearer nope"})
    assert_problem(answer, 503)
    assert answer.headers["retry-after"] == "2"
    assert http.get("/v1/time").status_code == 200  # times = 1


def test_a_dropped_download_stops_after_the_bytes_said(
    linkage_server: LinkageServer, http: httpx.Client
) -> None:
    data = spr_file(spr_records(50))
    linkage_server.put_notice(f"{SPR}.csv", data)
    linkage_server.faults({"match": "GET /v1/moj-notices/*", "action": "drop", "after_bytes": 100})
    got = b""
    with pytest.raises(httpx.RemoteProtocolError):
        with http.stream("GET", f"/v1/moj-notices/{SPR}") as answer:
            assert answer.headers["content-length"] == str(len(data))
            for piece in answer.iter_raw():
                got += piece
    assert got == data[:100]
    linkage_server.clear_faults()
    rest = http.get(f"/v1/moj-notices/{SPR}", headers={"Range": f"bytes={len(got)}-"})
    assert got + rest.content == data


def test_wrong_hash_lies_in_the_listing_only(
    linkage_server: LinkageServer, http: httpx.Client
) -> None:
    data = spr_file(spr_records(2))
    linkage_server.put_notice(f"{SPR}.csv", data)
    linkage_server.put_notice("moj-131041-20261121-0001.csv", synth.moj_file("131041", 2))
    linkage_server.faults({"action": "wrong_hash", "name": "spr-*"})
    listed = {f["file_id"]: f["sha256"] for f in http.get("/v1/moj-notices").json()["files"]}
    assert listed[SPR] == "0" * 64
    assert listed["moj-131041-20261121-0001"] != "0" * 64
    assert http.get(f"/v1/moj-notices/{SPR}").headers["etag"] == (
        f'"{hashlib.sha256(data).hexdigest()}"'
    )


def test_rejected_records_are_named_by_line_and_not_stored(
    linkage_server: LinkageServer, http: httpx.Client
) -> None:
    body = synth.muni_file("131041", 4, seed=5)
    sent = rows(body)
    linkage_server.faults(
        {"match": "POST /v1/municipal-notices", "action": "reject", "lines": [3], "reason": "no"}
    )
    answer = post_muni(http, body).json()
    assert answer["accepted"] == 3
    assert [(r["line"], r["reason"]) for r in answer["rejected"]] == [(3, "no")]
    # line 3 of the file is its second record (line 1 is the header)
    assert [r["notice_id"] for r in linkage_server.received_records()] == [
        sent[0]["notice_id"],
        *(r["notice_id"] for r in sent[2:]),
    ]


def test_an_answer_dropped_after_storing_is_given_again(
    linkage_server: LinkageServer, http: httpx.Client
) -> None:
    body = synth.muni_file("131041", 2, seed=5)
    linkage_server.faults({"match": "POST /v1/municipal-notices", "action": "drop_after_store"})
    try:
        lost = post_muni(http, body)
    except httpx.HTTPError:
        pass  # the connection closed without an answer
    else:
        assert lost.status_code >= 500
    linkage_server.clear_faults()
    again = post_muni(http, body)
    assert again.status_code == 200
    assert again.json()["accepted"] == 2
    assert len(linkage_server.received_files()) == 1


def test_an_upload_cut_mid_body_stores_nothing(
    linkage_server: LinkageServer, http: httpx.Client
) -> None:
    body = synth.muni_file("131041", 2, seed=5)
    linkage_server.faults(
        {"match": "POST /v1/municipal-notices", "action": "drop", "after_bytes": 1}
    )
    try:
        cut = post_muni(http, body)
    except httpx.HTTPError:
        pass
    else:
        assert cut.status_code >= 500
    linkage_server.clear_faults()
    assert linkage_server.received_files() == []
    assert http.get("/v1/holdings").json()["uploads"] == []
