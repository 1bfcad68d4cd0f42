"""Fetch → 未入力 → entry → send through the session, against the real server."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from core.exchange import protocol as p
from core.exchange.entry import EntryRefused
from core.reference import synth
from core.session import Session, unlock
from tests.support.linkage import PASSPHRASE, LinkageServer, Sleeps, spr_file, spr_records


def session(data: Path) -> Session:
    return unlock(data, PASSPHRASE, sleep=Sleeps())


def test_a_day_end_to_end(linkage_server: LinkageServer, terminal_dir: Path) -> None:
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(20)))
    linkage_server.put_notice("moj-131041-20261121-0001.csv", synth.moj_file("131041", 3))
    with session(terminal_dir) as t:
        got = t.fetch()
        assert (got.files, got.records, got.waiting_added, got.errors) == (2, 23, 20, ())
        assert linkage_server.running  # the server now lists nothing: all receipted
        with t.client() as c:
            assert c.list_notices() == []
        waiting = t.waiting()
        assert len(waiting) == 20
        assert waiting.get("AB00000003CD").name_alpha == "LEE TARO"
        t.enter("AB00000003CD", date(2024, 5, 1))
        t.enter("ab00000007cd", date(2024, 5, 2))
        assert t.waiting().get("AB00000003CD").entered_date == date(2024, 5, 1)
        assert t.status().waiting == 18 and t.status().queued == 2
        sent = t.send()
        assert (sent.files, sent.accepted, sent.rejected) == (1, 2, 0)
        assert len(t.waiting()) == 18
        st = t.status()
        assert (st.queued, st.sending, st.sent, st.last_send is not None) == (0, 0, 2, True)
        assert t.send().files == 0  # nothing left
        assert not list((terminal_dir / "files" / "outbox").glob("*.rke"))
        kinds = {f.kind: f.status for f in t.inbox()}
        assert kinds == {"moj": "ok", "spr": "ok"}
        rows, problems = t.inbox_records("moj-131041-20261121-0001")
        assert len(rows) == 3 and [q for q in problems if q.severity == "error"] == []
        actions = [h.action for h in t.history()]
        assert "exchange.history.send" in actions and "exchange.history.receipt" in actions
    received = linkage_server.received_records()
    assert sorted(
        (r["card_number"], r["card_delivered_date"], r["pattern"], r["fact_code"]) for r in received
    ) == [
        ("AB00000003CD", "20240501", "AF", "4"),
        ("AB00000007CD", "20240502", "AF", "4"),
    ]
    r3 = next(r for r in received if r["card_number"] == "AB00000003CD")
    assert r3["ref_notice_id"] == "SPR0000000003" and r3["name_alpha"] == "LEE TARO"
    assert r3["process_date"] == date.today().strftime("%Y%m%d")


def test_nothing_personal_in_plaintext_on_disk(
    linkage_server: LinkageServer, terminal_dir: Path
) -> None:
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(5)))
    with session(terminal_dir) as t:
        t.fetch()
        t.enter("AB00000001CD", date(2024, 5, 1))
    for path in terminal_dir.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            for secret in (b"AB00000001CD", "山田".encode(), b"YAMADA", "西新宿".encode()):
                assert secret not in raw, (path, secret)


def test_entry_data_check(linkage_server: LinkageServer, terminal_dir: Path) -> None:
    recs = spr_records(3)
    recs[2]["card_delivered_date"] = "20240601"  # MOJ already knows this one
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(recs))
    with session(terminal_dir) as t:
        t.fetch()
        assert len(t.waiting()) == 2
        cases = {
            ("XX", date(2024, 5, 1)): "exchange.entry.bad_card",
            ("ZZ99999999ZZ", date(2024, 5, 1)): "exchange.entry.not_on_list",
            ("AB00000002CD", date(2024, 7, 1)): "exchange.entry.already_reported",
            ("AB00000001CD", date.today() + timedelta(days=1)): "exchange.entry.future",
            ("AB00000001CD", date(2024, 3, 31)): "exchange.entry.before_made",
        }
        for (card, day), key in cases.items():
            assert [q.key for q in t.check_entry(card, day)] == [key]
            with pytest.raises(EntryRefused) as refused:
                t.enter(card, day)
            assert refused.value.key == key
        assert t.status().queued == 0  # state unchanged
        assert t.check_entry("AB00000001CD", date(2024, 4, 1)) == []


def test_reentry_replaces_and_after_send_corrects(
    linkage_server: LinkageServer, terminal_dir: Path
) -> None:
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(2)))
    with session(terminal_dir) as t:
        t.fetch()
        first = t.enter("AB00000001CD", date(2024, 5, 1))
        second = t.enter("AB00000001CD", date(2024, 5, 3))
        assert first.replaced is None and second.replaced == date(2024, 5, 1)
        assert t.status().queued == 1
        assert t.send().accepted == 1
        fix = t.enter("AB00000001CD", date(2024, 5, 4))
        assert fix.correction
        assert t.send().accepted == 1
        audit = [e.detail for e in t.vault.audit.entries() if e.action == "exchange.entry"]
        assert audit == ["new", "replaced", "correction"]
    got = [(r["card_delivered_date"], r["fact_code"]) for r in linkage_server.received_records()]
    assert sorted(got) == [("20240503", "4"), ("20240504", "3")]


def test_same_notice_in_two_files_is_one_entry(
    linkage_server: LinkageServer, terminal_dir: Path
) -> None:
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(3)))
    changed = spr_records(4)
    changed[1]["address"] = "東京都中野区1丁目"
    linkage_server.put_notice("spr-131041-20261122-0001.csv", spr_file(changed))
    with session(terminal_dir) as t:
        got = t.fetch()
        assert got.files == 2 and got.waiting_added == 4
        waiting = t.waiting()
        assert len(waiting) == 4
        assert waiting.get("AB00000001CD").address == "東京都中野区1丁目"
        later = spr_records(1, start=2)
        later[0]["card_delivered_date"] = "20240502"  # a later notice with the date
        linkage_server.put_notice("spr-131041-20261123-0001.csv", spr_file(later))
        t.fetch()
        assert "AB00000002CD" not in t.waiting() and len(t.waiting()) == 3


def test_wrong_hash_is_not_stored_nor_receipted(
    linkage_server: LinkageServer, terminal_dir: Path
) -> None:
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(3)))
    linkage_server.faults({"match": "GET /v1/moj-notices", "action": "wrong_hash"})
    with session(terminal_dir) as t:
        got = t.fetch()
        assert got.files == 0 and len(got.errors) == 1
        assert "ハッシュ" in got.errors[0] or "hash" in got.errors[0]
        assert len(t.waiting()) == 0
        assert t.status().last_error
        assert not list((terminal_dir / "files" / "inbox").glob("*.rke"))
        with t.client() as c:
            assert len(c.list_notices()) == 1  # not receipted
        linkage_server.clear_faults()
        assert t.fetch().files == 1 and len(t.waiting()) == 3


def test_fetch_survives_500_and_503_and_a_cut_download(
    linkage_server: LinkageServer, terminal_dir: Path
) -> None:
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(300)))
    linkage_server.faults(
        {"match": "GET /v1/moj-notices", "action": "status", "status": 500, "times": 1},
        {
            "match": "GET /v1/moj-notices/*",
            "action": "status",
            "status": 503,
            "retry_after": 2,
            "times": 1,
        },
        {"match": "GET /v1/moj-notices/*", "action": "drop", "after_bytes": 5000, "times": 1},
        {"match": "POST /v1/moj-notices/*", "action": "status", "status": 503, "times": 1},
    )
    sleeps = Sleeps()
    with unlock(terminal_dir, PASSPHRASE, sleep=sleeps) as t:
        got = t.fetch()
        assert got.files == 1 and got.waiting_added == 300
    assert 2.0 in sleeps


def test_server_down_is_a_clear_error_and_state_kept(
    linkage_server: LinkageServer, terminal_dir: Path
) -> None:
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(2)))
    with session(terminal_dir) as t:
        t.fetch()
        t.enter("AB00000001CD", date(2024, 5, 1))
        linkage_server.faults({"match": "*", "action": "status", "status": 503})
        with pytest.raises(p.ExchangeError):
            t.send()
        st = t.status()
        assert st.sending == 1 and st.pending_batches == 1 and "503" in st.last_error
        linkage_server.clear_faults()
        assert t.send().accepted == 1
    assert len(linkage_server.received_records()) == 1


def test_upload_dropped_mid_body_and_answer_lost(
    linkage_server: LinkageServer, terminal_dir: Path
) -> None:
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(4)))
    with session(terminal_dir) as t:
        t.fetch()
        for n in range(4):
            t.enter(f"AB{n:08d}CD", date(2024, 5, 1 + n))
        linkage_server.faults(
            {
                "match": "POST /v1/municipal-notices",
                "action": "drop",
                "after_bytes": 100,
                "times": 1,
            },
            {"match": "POST /v1/municipal-notices", "action": "drop_after_store", "times": 1},
        )
        sent = t.send()
        assert sent.accepted == 4
    assert sorted(r["card_number"] for r in linkage_server.received_records()) == [
        f"AB{n:08d}CD" for n in range(4)
    ]


def test_partial_rejection_goes_back_to_the_operator(
    linkage_server: LinkageServer, terminal_dir: Path
) -> None:
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(3)))
    linkage_server.faults(
        {
            "match": "POST /v1/municipal-notices",
            "action": "reject",
            "card_numbers": ["AB00000001CD"],
            "reason": "証明書番号が存在しません",
        }
    )
    with session(terminal_dir) as t:
        t.fetch()
        for n in range(3):
            t.enter(f"AB{n:08d}CD", date(2024, 5, 1))
        sent = t.send()
        assert (sent.accepted, sent.rejected) == (2, 1)
        rejected = [o for o in t.outbox() if o.state == "rejected"]
        assert [(o.card_number, o.reason) for o in rejected] == [
            ("AB00000001CD", "証明書番号が存在しません")
        ]
        assert [e.card_number for e in t.waiting()] == ["AB00000001CD"]
        assert t.status().rejected == 1
        linkage_server.clear_faults()
        t.enter("AB00000001CD", date(2024, 5, 2))
        assert t.send().accepted == 1
    assert sorted(r["card_number"] for r in linkage_server.received_records()) == [
        "AB00000000CD",
        "AB00000001CD",
        "AB00000002CD",
    ]


def test_slow_server_past_the_timeout(linkage_server: LinkageServer, tmp_path: Path) -> None:
    from tests.support.linkage import make_terminal

    data = make_terminal(tmp_path / "t", linkage_server, read_timeout=0.3, retries=1)
    linkage_server.faults({"match": "*", "action": "delay", "seconds": 1})
    with session(data) as t:
        with pytest.raises(p.ExchangeError) as err:
            t.fetch()
        assert err.value.key == "exchange.error.timeout"
        assert "time" in t.status().last_error


def test_clock_skew_is_warned(linkage_server: LinkageServer, terminal_dir: Path) -> None:
    linkage_server.faults(clock_offset=900)
    with session(terminal_dir) as t:
        got = t.fetch()
        assert len(got.errors) == 1 and "900" in got.errors[0]
        assert 890 < t.status().clock_skew < 910


def test_two_processes_fetching_at_once_store_each_file_once(
    linkage_server: LinkageServer, terminal_dir: Path
) -> None:
    """The TUI's automatic fetch and a timer's ``renkei fetch`` may overlap."""
    import threading

    for n in range(4):
        recs = spr_records(30, start=30 * n)
        linkage_server.put_notice(f"spr-131041-20261121-{n:04d}.csv", spr_file(recs))
    linkage_server.faults({"match": "GET /v1/moj-notices/*", "action": "delay", "seconds": 0.1})
    first, second = session(terminal_dir), session(terminal_dir)
    results = []
    workers = [
        threading.Thread(target=lambda s=s: results.append(s.fetch())) for s in (first, second)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    try:
        assert len(results) == 2
        assert sum(r.waiting_added for r in results) == 120
        assert len(first.waiting()) == 120
        rows = first.vault.store.query("SELECT state, count(*) FROM exchange_inbox GROUP BY state")
        assert {r[0]: r[1] for r in rows} == {"receipted": 4}
    finally:
        first.close()
        second.close()
