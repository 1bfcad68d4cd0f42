"""Synthetic data: deterministic, varied as the issue asks, and valid by our own check."""

from __future__ import annotations

from collections import Counter

from core import formats
from core.formats import tables
from core.reference import synth


def test_deterministic_for_a_seed() -> None:
    assert synth.moj_file(count=80, seed=7) == synth.moj_file(count=80, seed=7)
    assert synth.spr_file(count=50, seed=7) == synth.spr_file(count=50, seed=7)
    assert synth.moj_file(count=80, seed=7) != synth.moj_file(count=80, seed=8)


def test_moj_file_has_every_pattern_and_validates_clean() -> None:
    parsed = formats.read("moj", synth.moj_file("472018", count=300, seed=3))
    assert parsed.fatal is None
    assert parsed.report.problems == []
    patterns = Counter(r["pattern"] for r in parsed.records)
    assert set(patterns) == set(tables.patterns("moj"))
    assert {r["lasdec_code"] for r in parsed.records if r["lasdec_code"]} == {"472018"}


def test_spr_and_muni_files_validate_clean() -> None:
    for kind, data in (
        ("spr", synth.spr_file(count=500, seed=4)),
        ("muni", synth.muni_file(count=200, seed=4)),
    ):
        parsed = formats.read(kind, data)
        assert parsed.fatal is None and parsed.report.problems == [], kind
        assert len(parsed.records) == {"spr": 500, "muni": 200}[kind]


def test_names_cover_the_hard_cases() -> None:
    rows = synth.certificates(count=3000, seed=11)
    kanji = "".join(r.name_kanji for r in rows)
    for char in ("髙", "𠮷", "﨑"):  # outside JIS X 0208 (𠮷 outside the BMP too)
        assert char in kanji
    classes = Counter(r.name_class_code for r in rows)
    assert set(classes) == {"1", "2", "3"}
    assert any(r.name_kanji and not r.name_alpha for r in rows)  # kanji-only
    assert max(len(r.name_alpha) for r in rows) > 40  # long names
    assert set(Counter(r.sex_code for r in rows)) == {"1", "2"}


def test_certificates_unique_valid_and_mostly_waiting() -> None:
    rows = synth.certificates("011002", count=2000, seed=12)
    assert len({r.card_number for r in rows}) == 2000
    assert all(formats.check_record("spr", r.record()) == [] for r in rows)
    waiting = sum(1 for r in rows if not r.card_delivered_date) / len(rows)
    assert 0.8 < waiting < 0.9
    assert {r.lasdec_code for r in rows} == {"011002"}
    for r in rows:
        if r.card_delivered_date:
            assert r.card_made_date <= r.card_delivered_date <= "20261120"


def test_waiting_entries_as_objects() -> None:
    entries = synth.waiting_entries(count=1000, seed=1)
    assert len(entries) == 1000 and len({e.card_number for e in entries}) == 1000
    assert all(e.entered_date is None for e in entries)
    assert entries[0].birth_date.year >= 1930


def test_af_record_from_a_certificate_validates() -> None:
    from datetime import date

    cert = synth.certificates(count=1, seed=9)[0].record()
    record = formats.af_record(
        cert,
        date(2026, 11, 19),
        today=date(2026, 11, 20),
        notice_id="0b7c1f3e-2d4a-4e5f-9a8b-1c2d3e4f5a6b",
    )
    assert formats.check_record("muni", record) == []
    assert (record["pattern"], record["fact_code"], record["ref_notice_id"]) == (
        "AF",
        "4",
        cert["notice_id"],
    )
    assert record["card_delivered_date"] == record["event_date"] == "20261119"


def test_af_correction_record_is_fact_3() -> None:
    from datetime import date

    cert = synth.certificates(count=1, seed=9)[0].record()
    record = formats.af_record(
        cert,
        date(2026, 11, 18),
        today=date(2026, 11, 20),
        notice_id="0b7c1f3e-2d4a-4e5f-9a8b-1c2d3e4f5a6c",
        correction=True,
    )
    assert record["fact_code"] == "3"
    assert formats.check_record("muni", record) == []
