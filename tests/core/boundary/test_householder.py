"""世帯主 (別紙 市町村通知 item 9, layout v2) through the whole way: a MOJ notice
fetched and exported to the resident-record system, the resident-record system's
answer carrying 世帯主 brought back in a USB bundle, imported, sent, and received
by the reference server with 世帯主 intact."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io

from core import boundary, bundle, charset, formats
from core.reference import synth
from tests.support.boundary import LASDEC, Line, cp932_only, session


def test_householder_goes_out_and_comes_back(line: Line) -> None:
    moj = cp932_only(synth.moj_records(LASDEC, 6, 11))
    body = formats.write("moj", moj)
    line.server.put_notice("moj-131041-20261121-0001.csv", body)
    with session(line.data) as t:
        t.fetch()
        assert "moj-131041-20261121-0001.csv" in boundary.sync(t.vault).exported
    exported = line.export_dir / "moj-131041-20261121-0001.csv"
    text = charset.decode_file(exported.read_bytes(), line.codec(), exported.name)
    assert text == body.decode("utf-8")  # the v2 layout reaches the resident-record side
    # The resident-record system answers with a 職権記載 (pattern W) for one of them,
    # with 世帯主 (the person is not the householder: relationship and name).
    person = formats.read("moj", text.encode("utf-8")).records[0]
    answer = cp932_only(synth.muni_records(LASDEC, 40, 12))
    record = next(r for r in answer if r["pattern"] == "W")
    for column in ("name_alpha", "name_kanji", "name_class_code", "birth_date", "sex_code"):
        record[column] = person[column]
    record.update(householder_relation="妻", householder_name="山田　太郎")
    assert formats.check_record("muni", record, 2) == []
    data = charset.encode_file(formats.write("muni", [record]).decode("utf-8"), line.codec(), "x")
    files = [
        ("juki-0001.csv", data),
        ("juki-0001.csv.sha256", f"{hashlib.sha256(data).hexdigest()}  juki-0001.csv\n".encode()),
    ]
    key = bundle.transfer_key("correct horse battery staple", LASDEC)
    stick = line.data.parent / "stick"
    stick.mkdir()
    now = datetime.datetime(2026, 11, 21, 17, 0, tzinfo=datetime.UTC)
    path = bundle.export_bundle(files, stick, key, LASDEC, "from-juki", "JUKI", now)
    result = bundle.import_bundle(path, key, line.import_dir, line.data / "bundles", LASDEC)
    assert len(result.written) == 2
    with session(line.data) as t:
        imported = boundary.sync(t.vault).imported
        assert [(o.state, o.records) for o in imported] == [("queued", 1)]
        sent = t.send()
        assert (sent.accepted, sent.rejected) == (1, 0)
    [received] = line.server.received_records()
    assert received["notice_id"] == record["notice_id"]
    assert (received["householder_relation"], received["householder_name"]) == (
        "妻",
        "山田　太郎",
    )


def test_a_v1_notice_file_is_still_taken_and_readable(line: Line) -> None:
    """Files made before layout v2 (the server's, or stored in a data directory)
    stay readable: status ok, records shown, one file-level warning."""
    moj = cp932_only(synth.moj_records(LASDEC, 5, 13))
    v1 = [c.id for c in formats.layout("moj", 1)]
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, v1, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(moj)
    body = out.getvalue().encode("utf-8")
    assert formats.read("moj", body).version == 1
    line.server.put_notice("moj-131041-20261121-0002.csv", body)
    with session(line.data) as t:
        assert t.fetch().files == 1
        [item] = t.inbox()
        assert item.status == "ok"
        records, problems = t.inbox_records(item.file_id)
        assert len(records) == 5
        assert [p.key for p in problems] == ["validate.file.layout_v1"]
