"""The line connection end to end: real terminal data directory, real HTTPS
reference server, juki-sjis with a 外字 table of the test's own."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest

from core import boundary, charset, formats
from core import config as config_mod
from core.reference import synth
from tests.support.boundary import (
    GAIJI_CHARS,
    LASDEC,
    Line,
    cp932_only,
    drop,
    muni_text,
    session,
)


def test_dropped_juki_sjis_file_arrives_at_the_server_exactly_once(line: Line) -> None:
    text, recs = muni_text(6)
    data = charset.encode_file(text, line.codec(), "muni.csv")
    assert b"\xf0\x40" in data  # the 外字 went out as its user-area code
    drop(line.import_dir, "juki-0001.csv", data)
    with session(line.data) as t:
        first = boundary.sync(t.vault)
        assert [(o.name, o.state, o.records) for o in first.imported] == [
            ("juki-0001.csv", "queued", 6)
        ]
        assert first.queued_records == 6 and not first.problems
        done = line.import_dir / "done"
        assert sorted(p.name for p in done.iterdir()) == [
            "juki-0001.csv",
            "juki-0001.csv.report.txt",
            "juki-0001.csv.sha256",
        ]
        assert not (line.import_dir / "juki-0001.csv").exists()
        assert "6" in (done / "juki-0001.csv.report.txt").read_text(encoding="utf-8")
        assert boundary.sync(t.vault).imported == ()  # twice: nothing more
        assert t.status().queued == 6
        # the same bytes dropped again: reported as a repeat, nothing queued
        drop(line.import_dir, "juki-0001.csv", data)
        again = boundary.sync(t.vault)
        assert [(o.state, o.records) for o in again.imported] == [("repeat", 0)]
        assert again.imported[0].moved_to == done / "juki-0001.csv.1"
        assert (done / "juki-0001.csv.1.report.txt").is_file()
        assert t.status().queued == 6
        sent = t.send()
        assert (sent.files, sent.accepted, sent.rejected) == (1, 6, 0)
        assert t.send().files == 0
        items = t.outbox()
        assert len(items) == 6 and {i.state for i in items} == {"sent"}
    received = line.server.received_records()
    assert sorted(r["notice_id"] for r in received) == sorted(r["notice_id"] for r in recs)
    kanji = {r["notice_id"]: r["name_kanji"] for r in received}
    named = next(r for r in recs if r["name_kanji"].startswith(GAIJI_CHARS[0]))
    assert kanji[named["notice_id"]] == named["name_kanji"]  # 外字 back as Unicode


def test_bad_file_goes_to_rejected_with_its_report_and_nothing_is_queued(line: Line) -> None:
    text, recs = muni_text(3)
    lines = text.split("\r\n")
    lines[2] = lines[2].replace(recs[1]["birth_date"], "20261399")
    bad = charset.encode_file("\r\n".join(lines), line.codec(), "bad.csv")
    drop(line.import_dir, "bad.csv", bad)
    # an unknown 外字 code (F5 40 is in no table) in line 2, column name_kanji
    text2, recs2 = muni_text(2, seed=2, kanji="")
    good = charset.encode_file(text2, line.codec(), "x.csv")
    name2 = recs2[0]["name_kanji"].encode("cp932")
    assert name2 and name2 in good
    drop(line.import_dir, "gaiji.csv", good.replace(name2, b"\xf5\x40" + name2, 1))
    with session(line.data) as t:
        result = boundary.sync(t.vault)
        assert {o.name: o.state for o in result.imported} == {
            "bad.csv": "rejected",
            "gaiji.csv": "rejected",
        }
        assert result.problems and result.queued_records == 0
        assert t.status().queued == 0
        history = [h.action for h in t.history()]
        assert "boundary.history.import" in history
    rejected = line.import_dir / "rejected"
    report = (rejected / "bad.csv.report.txt").read_text(encoding="utf-8")
    assert "line 3: birth_date:" in report and "20261399" in report
    report2 = (rejected / "gaiji.csv.report.txt").read_text(encoding="utf-8")
    assert "line 2: name_kanji:" in report2 and "F5 40" in report2
    assert (rejected / "bad.csv").read_bytes() == bad
    assert not (line.import_dir / "done").exists()
    assert line.server.received_records() == []


def test_unfinished_file_waits(line: Line) -> None:
    text, _ = muni_text(1)
    path = line.import_dir / "writing.csv"
    path.write_bytes(charset.encode_file(text, line.codec(), "w.csv"))  # just now, no checksum
    (line.import_dir / ".tmp-other.csv").write_bytes(b"half")  # a writer's temp file
    with session(line.data) as t:
        result = boundary.sync(t.vault)
        assert result.imported == () and result.waiting == ("writing.csv",)
        assert path.exists()


def test_export_decodes_back_to_the_received_text(line: Line) -> None:
    recs = cp932_only(synth.moj_records(LASDEC, 8, 3))
    named = [r for r in recs if r["name_kanji"]]
    named[0]["name_kanji"] = GAIJI_CHARS[0] + named[0]["name_kanji"]
    named[1]["name_kanji"] = GAIJI_CHARS[1] + named[1]["name_kanji"]
    body = formats.write("moj", recs)
    line.server.put_notice("moj-131041-20261121-0001.csv", body)
    spr = cp932_only([c.record() for c in synth.certificates(LASDEC, 4, 3)])
    line.server.put_notice("spr-131041-20261121-0001.csv", formats.write("spr", spr))
    with session(line.data) as t:
        t.fetch()
        result = boundary.sync(t.vault)
        assert sorted(result.exported) == [
            "moj-131041-20261121-0001.csv",
            "spr-131041-20261121-0001.csv",
        ]
        assert boundary.sync(t.vault).exported == ()  # each file once
        assert boundary.status(t.vault).exported == 2
    out = line.export_dir / "moj-131041-20261121-0001.csv"
    raw = out.read_bytes()
    assert b"\xf0\x40" in raw and b"\xf0\x41" in raw
    assert charset.decode_file(raw, line.codec(), out.name) == body.decode("utf-8")
    checksum = (line.export_dir / f"{out.name}.sha256").read_text(encoding="ascii")
    assert checksum == f"{hashlib.sha256(raw).hexdigest()}  {out.name}\n"
    assert not [p for p in line.export_dir.iterdir() if p.name.startswith(".")]


def test_unmappable_character_holds_the_file_back_with_its_position(line: Line) -> None:
    recs = cp932_only(synth.moj_records(LASDEC, 5, 4))
    target = next(i for i, r in enumerate(recs) if r["name_kanji"])
    recs[target]["name_kanji"] = "𠮷" + recs[target]["name_kanji"]  # U+20BB7, in no table
    line.server.put_notice("moj-131041-20261121-0002.csv", formats.write("moj", recs))
    with session(line.data) as t:
        t.fetch()
        result = boundary.sync(t.vault)
        assert result.exported == () and len(result.refused) == 1
        refusal = result.refused[0]
        assert refusal.name == "moj-131041-20261121-0002.csv"
        (problem,) = refusal.problems
        assert (problem.line, problem.column) == (target + 2, "name_kanji")
        assert problem.params["char"] == "𠮷" and problem.params["code"] == "U+20BB7"
        assert "U+20BB7" in refusal.lines("en")[0]
        assert boundary.sync(t.vault).refused == ()  # not retried while the tables are the same
        st = boundary.status(t.vault)
        assert [r.name for r in st.refused] == [refusal.name]
        assert st.refused[0].problems == refusal.problems
        assert not list(line.export_dir.iterdir())
        # the administrator adds the character to the 外字 table: it goes out
        line.gaiji.write_text(
            line.gaiji.read_text(encoding="utf-8") + "F042,,𠮷\n", encoding="utf-8"
        )
        later = boundary.sync(t.vault)
        assert later.exported == (refusal.name,) and boundary.status(t.vault).refused == ()


def test_refuses_to_run_without_configured_folders(line: Line) -> None:
    config = config_mod.load(line.data)
    for change, key in (
        ({"export_dir": "", "import_dir": ""}, "boundary.not_configured"),
        ({"linkage": "usb"}, "boundary.not_line"),
        ({"import_dir": str(line.data / "in")}, "boundary.no_dir"),
        ({"import_dir": str(line.data)}, "boundary.inside_data"),
        ({"import_dir": "relative/dir"}, "boundary.relative"),
    ):
        bad = dataclasses.replace(config, boundary=dataclasses.replace(config.boundary, **change))
        config_mod.save(line.data, bad)
        with session(line.data) as t, pytest.raises(boundary.BoundaryError) as caught:
            boundary.sync(t.vault)
        assert caught.value.key == key
