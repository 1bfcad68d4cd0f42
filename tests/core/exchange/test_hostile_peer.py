"""The terminal against a peer that lies on purpose (tests/support/hostile_server,
written from PROTOCOL.md without importing ``core``): each finding of issue 12
as its own test, asserting on what landed on disk.

Expected values come from the protocol and format documents (the name rule of
FORMATS.md, the listed size and hash of PROTOCOL.md) and from what the hostile
peer served, never from the code under test.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core import boundary, formats
from core import config as config_mod
from core.config import ServerSettings
from core.exchange.listing import Refused
from core.exchange.protocol import ExchangeError
from core.reference import synth
from core.session import Session
from tests.support.hostile_server import HostileServer, Offer
from tests.support.linkage import PASSPHRASE, Sleeps
from tests.support.peak_rss import run_measured

LASDEC = "131041"
ROOT = Path(__file__).resolve().parents[3]


class _AsPeer:
    """What ``make_terminal`` wants of a server, for the hostile one."""

    def __init__(self, server: HostileServer) -> None:
        self.server = server
        self.lasdec = server.lasdec

    def settings(self, **overrides: Any) -> ServerSettings:
        values: dict[str, Any] = {
            "url": self.server.url,
            "ca": str(self.server.ca),
            "token": self.server.token,
            "connect_timeout": 5.0,
            "read_timeout": 10.0,
            "retries": 1,
        }
        values.update(overrides)
        return ServerSettings(**values)


@pytest.fixture
def hostile(tmp_path: Path) -> Iterator[HostileServer]:
    server = HostileServer(tmp_path / "hostile-root", lasdec=LASDEC).start()
    try:
        yield server
    finally:
        server.stop()


@dataclasses.dataclass
class Terminal:
    data: Path
    export_dir: Path
    import_dir: Path
    outside: Path  # the folder around everything: nothing may land here

    def session(self) -> Session:
        from core.session import unlock

        return unlock(self.data, PASSPHRASE, sleep=Sleeps())

    def set_limits(self, **values: Any) -> None:
        config = config_mod.load(self.data)
        config.limits = dataclasses.replace(config.limits, **values)
        config_mod.save(self.data, config)


@pytest.fixture
def terminal(tmp_path: Path, hostile: HostileServer) -> Terminal:
    from tests.support.linkage import make_terminal

    data = make_terminal(tmp_path / "terminal", _AsPeer(hostile))  # type: ignore[arg-type]
    export_dir = tmp_path / "juki" / "to-juki"
    import_dir = tmp_path / "juki" / "from-juki"
    export_dir.mkdir(parents=True)
    import_dir.mkdir(parents=True)
    config = config_mod.load(data)
    config.boundary = dataclasses.replace(
        config.boundary,
        linkage="line",
        encoding="utf-8",
        export_dir=str(export_dir),
        import_dir=str(import_dir),
    )
    config_mod.save(data, config)
    return Terminal(data, export_dir, import_dir, tmp_path)


def moj_body(count: int, seed: int) -> bytes:
    """Synthetic MOJ notices whose notice_ids are this seed's own."""
    recs = synth.moj_records(LASDEC, count, seed)
    for n, rec in enumerate(recs):
        rec["notice_id"] = f"H{seed:04d}N{n:06d}"
    return formats.write("moj", recs)


def notice_ids(body: bytes) -> list[str]:
    return [r["notice_id"] for r in formats.read("moj", body).records]


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


# -- finding 1: a file name from the server becomes a path ---------------------


def test_listing_names_never_become_paths(terminal: Terminal, hostile: HostileServer) -> None:
    good_a, good_b = moj_body(3, 1), moj_body(4, 2)
    hostile.offer(
        Offer("f-up", "../../x.csv", moj_body(2, 3), kind="moj"),
        Offer("f-abs", str(terminal.outside / "abs.csv"), moj_body(2, 4), kind="moj"),
        Offer("f-esc", "moj-131041-20261121-0009.csv\x1b[2J\x1b]0;pwn\x07", moj_body(2, 5)),
        Offer("f-other-town", "moj-999999-20261121-0001.csv", moj_body(2, 6)),
        # two honest-looking files under the SAME name, different contents
        Offer("f-same-1", "moj-131041-20261121-0001.csv", good_a),
        Offer("f-same-2", "moj-131041-20261121-0001.csv", good_b),
    )
    before = files_under(terminal.outside) - files_under(terminal.data)
    with terminal.session() as t:
        result = t.fetch()
        synced = boundary.sync(t.vault)
        history = t.history()
    # the four bad names were refused, named escaped, never stored or receipted
    assert len(result.errors) == 4
    assert all("\x1b" not in e and "\x07" not in e for e in result.errors)
    assert any("\\x1b[2J" in e for e in result.errors)
    assert {r[0] for r in hostile.receipts} == {"f-same-1", "f-same-2"}
    assert all("\x1b" not in h.detail for h in history)
    # nothing landed outside the export folder (and the terminal's own data dir)
    after = files_under(terminal.outside) - files_under(terminal.data)
    new = after - before
    assert new and all(terminal.export_dir in p.parents for p in new), sorted(new)
    # both same-named files are in the export folder, neither overwrote the other
    exported = sorted(p for p in terminal.export_dir.iterdir() if p.suffix == ".csv")
    assert len(exported) == 2 and len(synced.exported) == 2
    got_ids = sorted(i for p in exported for i in notice_ids(p.read_bytes()))
    assert got_ids == sorted(notice_ids(good_a) + notice_ids(good_b))
    for path in exported:
        line = (path.parent / f"{path.name}.sha256").read_text(encoding="ascii")
        assert line == f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n"


def test_history_cli_escapes_control_characters(
    terminal: Terminal, hostile: HostileServer, cli_env: dict[str, str], tmp_path: Path
) -> None:
    hostile.offer(Offer("f-esc", "moj-131041-20261121-0009.csv\x1b[31m\u202e", moj_body(2, 5)))
    passfile = tmp_path / "pass"
    passfile.write_text(PASSPHRASE, encoding="utf-8")
    common = ["--data", str(terminal.data), "--passphrase-file", str(passfile), "--lang", "en"]
    fetched = subprocess.run(
        [sys.executable, "-m", "tui", "fetch", *common], env=cli_env, capture_output=True
    )
    assert fetched.returncode == 4, fetched.stderr
    shown = subprocess.run(
        [sys.executable, "-m", "tui", "history", *common], env=cli_env, capture_output=True
    )
    assert shown.returncode == 0, shown.stderr
    for out in (fetched.stdout, fetched.stderr, shown.stdout, shown.stderr):
        assert b"\x1b" not in out and "\u202e".encode() not in out
    assert b"\\x1b[31m\\u202e" in shown.stdout


# -- finding 5: no limits ------------------------------------------------------


def _fetch_in_child(terminal: Terminal, env: dict[str, str], tmp_path: Path) -> tuple[int, int]:
    """``renkei fetch`` as a child process: (exit code, its own peak RSS in KiB)."""
    passfile = tmp_path / "pass"
    passfile.write_text(PASSPHRASE, encoding="utf-8")
    argv = ["fetch", "--data", str(terminal.data), "--passphrase-file", str(passfile)]
    code, peak, _out = run_measured([*argv, "--lang", "en"], env, tmp_path)
    return code, peak


RSS_BOUND_KIB = 150 * 1024  # renkei fetch with its imports is ~55 MB; 1.5 GB is far above


def test_a_body_longer_than_listed_is_cut_off(
    terminal: Terminal, hostile: HostileServer, cli_env: dict[str, str], tmp_path: Path
) -> None:
    body = moj_body(2, 7)
    hostile.offer(
        # listed as 700 bytes, sends 1.5 GB (made as it is sent)
        Offer("f-huge", "moj-131041-20261121-0001.csv", body[:700], huge=1_500_000_000),
        Offer("f-fine", "moj-131041-20261121-0002.csv", body),
    )
    code, peak_kib = _fetch_in_child(terminal, cli_env, tmp_path)
    assert code == 4  # a refusal from the peer: the exchange exit code
    assert peak_kib < RSS_BOUND_KIB, f"peak RSS {peak_kib} KiB"
    assert hostile.sent_bytes["f-huge"] < 1_500_000_000  # it stopped listening early
    assert [r[0] for r in hostile.receipts] == ["f-fine"]
    with terminal.session() as t:
        inbox = {f.file_id: f.status for f in t.inbox()}
        assert inbox == {"f-huge": "listed", "f-fine": "ok"}
    stored = list((terminal.data / "files" / "inbox").iterdir())
    assert [p.name for p in stored] == ["f-fine.rke"]


def test_a_body_without_length_is_cut_off_while_streaming(
    terminal: Terminal, hostile: HostileServer, cli_env: dict[str, str], tmp_path: Path
) -> None:
    body = moj_body(2, 7)
    # no Content-Length to refuse up front: only counting while streaming can stop it
    hostile.offer(
        Offer("f-huge", "moj-131041-20261121-0001.csv", body[:700], huge=1_500_000_000,
              no_length=True),
    )  # fmt: skip
    code, peak_kib = _fetch_in_child(terminal, cli_env, tmp_path)
    assert code == 4
    assert peak_kib < RSS_BOUND_KIB, f"peak RSS {peak_kib} KiB"
    assert hostile.sent_bytes["f-huge"] < 1_500_000_000
    assert hostile.receipts == []
    assert not (terminal.data / "files" / "inbox" / "f-huge.rke").exists()
    with terminal.session() as t:
        (row,) = t.vault.store.query("SELECT error FROM exchange_inbox WHERE file_id = 'f-huge'")
    assert "more than its listed size of 700 bytes" in row["error"]


def test_a_listed_size_over_the_limit_is_not_downloaded(
    terminal: Terminal, hostile: HostileServer
) -> None:
    terminal.set_limits(max_download_bytes=1000)
    body = moj_body(2, 7)
    hostile.offer(Offer("f-big", "moj-131041-20261121-0001.csv", body, size=5000))
    with terminal.session() as t:
        result = t.fetch()
    assert len(result.errors) == 1 and "max_download_bytes" in result.errors[0]
    assert hostile.count("download") == 0 and hostile.receipts == []


def test_an_endless_cursor_stops_at_the_page_limit(
    terminal: Terminal, hostile: HostileServer
) -> None:
    terminal.set_limits(max_listing_pages=7)
    hostile.endless_cursor = True
    hostile.offer(Offer("f-1", "moj-131041-20261121-0001.csv", moj_body(2, 8)))
    with terminal.session() as t, pytest.raises(Refused) as caught:
        t.fetch()
    assert caught.value.key == "guard.listing.pages"
    assert hostile.count("list") == 7
    assert hostile.count("download") == 0  # nothing of an endless listing is used
    with terminal.session() as t:
        assert t.inbox() == []


def test_files_per_fetch_are_capped_and_the_rest_comes_next_time(
    terminal: Terminal, hostile: HostileServer
) -> None:
    terminal.set_limits(max_files_per_fetch=2)
    hostile.offer(
        *(Offer(f"f-{n}", f"moj-131041-20261121-000{n}.csv", moj_body(1, n)) for n in (1, 2, 3))
    )
    with terminal.session() as t:
        first = t.fetch()
        assert first.files == 2 and any("max_files_per_fetch" in e for e in first.errors)
        second = t.fetch()
        assert second.files == 1
    assert sorted(r[0] for r in hostile.receipts) == ["f-1", "f-2", "f-3"]


def test_a_trickling_body_meets_the_total_deadline(
    terminal: Terminal, hostile: HostileServer
) -> None:
    # each byte arrives well within the read timeout; the whole never would in time
    terminal.set_limits(request_deadline_seconds=2.0)
    body = moj_body(2, 9)
    hostile.offer(Offer("f-slow", "moj-131041-20261121-0001.csv", body, drip=0.2))
    with terminal.session() as t:
        result = t.fetch()
        assert t.inbox()[0].status == "listed"
    assert len(result.errors) == 1 and "request_deadline_seconds" in result.errors[0]
    assert hostile.sent_bytes["f-slow"] < len(body)
    assert hostile.receipts == []


# -- finding 2: the same MOJ notices twice -------------------------------------


def spr_body(count: int, start: int = 0, prefix: str = "SPR") -> bytes:
    from tests.support.linkage import spr_file, spr_records

    recs = spr_records(count, start=start)
    for rec in recs:
        rec["notice_id"] = prefix + rec["notice_id"][3:]
    return spr_file(recs)


def test_the_same_notices_twice_are_stored_and_exported_once(
    terminal: Terminal, hostile: HostileServer
) -> None:
    moj = moj_body(30, 11)
    # the same certificates again under new notice ids (card_number + card_made_date)
    spr_a, spr_b = spr_body(5), spr_body(5, prefix="XYZ")
    hostile.offer(
        Offer("f-moj-a", "moj-131041-20261121-0001.csv", moj),
        Offer("f-moj-b", "moj-131041-20261122-0001.csv", moj),  # same file, another id
        Offer("f-spr-a", "spr-131041-20261121-0001.csv", spr_a),
        Offer("f-spr-b", "spr-131041-20261122-0001.csv", spr_b),
    )
    with terminal.session() as t:
        result = t.fetch()
        assert result.errors == () and result.invalid == ()
        assert result.duplicates == 35  # reported, not silently dropped
        assert result.waiting_added == 5 and len(t.waiting()) == 5
        boundary.sync(t.vault)
        assert boundary.sync(t.vault).exported == ()
        reported = [h for h in t.history() if h.action == "guard.history.duplicates"]
        assert len(reported) == 2
    # every fetched file stored exactly once, and receipted
    stored = sorted(p.name for p in (terminal.data / "files" / "inbox").iterdir())
    assert stored == ["f-moj-a.rke", "f-moj-b.rke", "f-spr-a.rke", "f-spr-b.rke"]
    assert sorted(r[0] for r in hostile.receipts) == ["f-moj-a", "f-moj-b", "f-spr-a", "f-spr-b"]
    # each notice_id and each certificate exactly once across the export folder
    moj_ids: list[str] = []
    cards: list[str] = []
    for path in terminal.export_dir.glob("*.csv"):
        kind = path.name.split("-", 1)[0]
        recs = formats.read(kind, path.read_bytes(), check=False).records
        if kind == "moj":
            moj_ids.extend(r["notice_id"] for r in recs)
        else:
            cards.extend(r["card_number"] for r in recs)
    assert sorted(moj_ids) == sorted(notice_ids(moj))
    assert sorted(cards) == [f"AB{n:08d}CD" for n in range(5)]


def test_a_corrected_notice_with_the_same_id_is_taken(
    terminal: Terminal, hostile: HostileServer
) -> None:
    from tests.support.linkage import spr_file, spr_records

    first = spr_records(2)
    fixed = spr_records(2)
    fixed[1]["address"] = "東京都中野区1丁目"  # FORMATS.md: a corrected notice updates
    hostile.offer(
        Offer("f-1", "spr-131041-20261121-0001.csv", spr_file(first)),
        Offer("f-2", "spr-131041-20261122-0001.csv", spr_file(fixed)),
    )
    with terminal.session() as t:
        result = t.fetch()
        assert result.duplicates == 1  # the unchanged record; the changed one is taken
        assert t.waiting().get("AB00000001CD").address == "東京都中野区1丁目"


# -- finding 3: an invalid notice file -------------------------------------------


def test_an_invalid_file_is_kept_flagged_and_can_be_taken_in_later(
    terminal: Terminal, hostile: HostileServer, cli_env: dict[str, str], tmp_path: Path
) -> None:
    from tests.support.linkage import spr_file, spr_records

    recs = spr_records(20)
    for rec in recs:
        rec["lasdec_code"] = "131016"  # every record another municipality's (FORMATS.md)
    hostile.offer(Offer("f-bad", "spr-131041-20261121-0001.csv", spr_file(recs)))
    passfile = tmp_path / "pass"
    passfile.write_text(PASSPHRASE, encoding="utf-8")
    common = ["--data", str(terminal.data), "--passphrase-file", str(passfile), "--lang", "en"]

    def renkei(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tui", *argv, *common],
            env=cli_env,
            capture_output=True,
            text=True,
        )

    fetched = renkei("fetch")
    assert fetched.returncode == 1, fetched.stderr
    assert "renkei inbox recheck f-bad" in fetched.stderr
    # kept (encrypted), receipted: the 取得通知 says the bytes arrived and are kept
    assert (terminal.data / "files" / "inbox" / "f-bad.rke").is_file()
    assert hostile.receipts == [("f-bad", hashlib.sha256(spr_file(recs)).hexdigest())]
    status = renkei("status")
    assert status.returncode == 1 and "f-bad" in status.stdout
    still = renkei("inbox", "recheck", "f-bad")
    assert still.returncode == 1 and "131016" not in still.stdout + still.stderr  # no values
    with terminal.session() as t:
        assert len(t.waiting()) == 0
        assert [f.status for f in t.inbox()] == ["invalid"]
    # the rule is fixed (here: the terminal's municipality code was wrong)
    config = config_mod.load(terminal.data)
    config.terminal = dataclasses.replace(config.terminal, lasdec="131016")
    config_mod.save(terminal.data, config)
    taken = renkei("inbox", "recheck", "f-bad")
    assert taken.returncode == 0, taken.stdout + taken.stderr
    with terminal.session() as t:
        assert len(t.waiting()) == 20
        assert [f.status for f in t.inbox()] == ["ok"]
    assert renkei("status").returncode == 0
    again = renkei("inbox", "recheck", "f-bad")  # taken in once, never twice
    assert again.returncode == 0
    with terminal.session() as t:
        assert len(t.waiting()) == 20


# -- finding 4: a file still being written ---------------------------------------


def test_a_file_still_being_written_is_not_taken(terminal: Terminal) -> None:
    body = formats.write("muni", synth.muni_records(LASDEC, 10, 4))
    lines = body.split(b"\r\n")
    half = b"\r\n".join(lines[:6]) + b"\r\n"  # header and 5 of 10 records
    path = terminal.import_dir / "juki-0001.csv"
    path.write_bytes(half)
    os.utime(path, (os.path.getmtime(path) - 6, os.path.getmtime(path) - 6))  # a 6 s pause
    with terminal.session() as t:
        first = boundary.sync(t.vault)
        assert first.imported == () and first.waiting == ("juki-0001.csv",)
        assert t.status().queued == 0
    path.write_bytes(body)  # the writer finishes, then writes the checksum
    digest = hashlib.sha256(body).hexdigest()
    (terminal.import_dir / "juki-0001.csv.sha256").write_text(
        f"{digest}  juki-0001.csv\n", encoding="ascii"
    )
    with terminal.session() as t:
        second = boundary.sync(t.vault)
        assert [(o.name, o.state, o.records) for o in second.imported] == [
            ("juki-0001.csv", "queued", 10)
        ]
        assert t.status().queued == 10
    assert (terminal.import_dir / "done" / "juki-0001.csv").read_bytes() == body


# -- the 送信通知 is outside text too ----------------------------------------------


def test_a_lying_send_answer_changes_nothing(terminal: Terminal, hostile: HostileServer) -> None:
    from datetime import date

    from tests.support.linkage import spr_file, spr_records

    hostile.offer(Offer("f-1", "spr-131041-20261121-0001.csv", spr_file(spr_records(2))))
    with terminal.session() as t:
        t.fetch()
        t.enter("AB00000001CD", date(2024, 5, 1))
        for answer in (
            {"receipt_id": "../../x\x1b[2J", "accepted": 1, "rejected": []},
            {"receipt_id": "r1", "accepted": -5, "rejected": []},
            {"receipt_id": "r1", "accepted": 1, "rejected": [{"line": "x"}]},
            {"receipt_id": ["r1"], "accepted": 1, "rejected": "all"},
        ):
            hostile.upload_answer = answer
            with pytest.raises(ExchangeError) as caught:  # exit 4
                t.send()
            assert caught.value.key == "exchange.error.bad_answer"
            assert "\x1b" not in caught.value.message("en")
            assert t.status().sending + t.status().queued == 1  # nothing recorded as sent
        hostile.upload_answer = None
        assert t.send().accepted == 1  # the same file, the same key: now answered right
        assert t.status().sent == 1


def test_copies_are_still_known_after_a_rekey(terminal: Terminal, hostile: HostileServer) -> None:
    from core.datadir.rekey import rekey

    moj = moj_body(12, 31)
    hostile.offer(Offer("f-a", "moj-131041-20261121-0001.csv", moj))
    with terminal.session() as t:
        assert t.fetch().duplicates == 0
    rekey(terminal.data, PASSPHRASE)  # a new data key, and with it a new blind key
    hostile.offer(Offer("f-b", "moj-131041-20261122-0001.csv", moj))
    with terminal.session() as t:
        assert t.fetch().duplicates == 12
        boundary.sync(t.vault)
    exported = [i for p in terminal.export_dir.glob("*.csv") for i in notice_ids(p.read_bytes())]
    assert sorted(exported) == sorted(notice_ids(moj))
