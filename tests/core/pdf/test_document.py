"""The list PDF read back with poppler: every row, every name, exactly."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from PIL import Image

from core.errors import RenkeiError
from core.model import Progress, WaitingEntry
from core.pdf.coverage import MISSING, VARIATION
from core.pdf.document import ListHeader, Rendered, layout, render, sort_entries
from core.reference.synth import waiting_entries
from tests.support.poppler import (
    Word,
    fonts_of,
    page_count,
    pdftotext,
    render_png,
    text_of,
    words,
)
from tests.support.waiting import entry, many

MADE = datetime(2026, 11, 21, 9, 5)
LONG_ALPHA = (
    "WOLFESCHLEGELSTEINHAUSENBERGERDORFF HUBERT BLAINE CHRISTOPHER ALEXANDER "
    "MAXIMILIAN JUNIOR THE THIRD OF THE HOUSE OF VERY LONG NAMES"
)
LONG_KANJI = "寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末食う寝る処に住む処藪ら柑子"


def _header(**changes: object) -> ListHeader:
    values: dict[str, object] = {
        "municipality": "千代田区",
        "lasdec": "131016",
        "generated_at": MADE,
        "filter_text": "",
        "sort_key": "card_number",
    }
    values.update(changes)
    return ListHeader(**values)  # type: ignore[arg-type]


def _write(rendered: Rendered, path: Path) -> Path:
    path.write_bytes(rendered.data)
    return path


@pytest.fixture(scope="module")
def awkward(in_no_font: str) -> list[WaitingEntry]:
    """Synthetic rows plus the names that go wrong on paper."""
    rows = many(45)
    rows += [
        entry("YO00000001AA", "YOSHIDA HANAKO", "𠮷田 花子"),
        entry("NG00000002AA", "NGUYỄN THỊ MINH KHAI", "", name_class_code="1"),
        entry("KA00000003AA", "", "葛\U000e0100城 花子", name_class_code="3"),
        entry("MI00000004AA", "SAN MISSING", f"山{in_no_font}花子"),
        entry("LO00000005AA", LONG_ALPHA, LONG_KANJI),
        entry(
            "TA00000006AA",
            "TAKAHASHI SAKI",
            "髙﨑 早紀",
            sex_code="2",
            entered_date=date(2026, 11, 20),
        ),
    ]
    return rows


@pytest.fixture(scope="module")
def listed(
    awkward: list[WaitingEntry], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Rendered, Path, list[Progress]]:
    steps: list[Progress] = []
    rendered = render(sort_entries(awkward, "card_number"), _header(), progress=steps.append)
    return rendered, _write(rendered, tmp_path_factory.mktemp("pdf") / "list.pdf"), steps


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


CARD = re.compile(r"^[A-Z]{2}\d{8}[A-Z]{2}$")
POINTS = 72 / 25.4


def table_cells(path: Path) -> dict[str, dict[str, str]]:
    """What poppler reads in each cell of the list: ``{card number: {column id:
    text}}``; a cell's words joined by single spaces, lines top to bottom."""
    lay = layout()
    edges, x = [], float(lay.page["margin"])
    for column in lay.columns:
        edges.append((column.id, x * POINTS, (x + column.width) * POINTS))
        x += column.width
    found = words(path)
    cells: dict[str, dict[str, list[Word]]] = {}
    for page in sorted({w.page for w in found}):
        on_page = [w for w in found if w.page == page]
        top = max(w.y1 for w in on_page if w.text == "特別永住者証明書番号")
        end = min([w.y0 for w in on_page if w.text.startswith("印字できない文字")] + [1e9])
        body = [w for w in on_page if top < w.y_mid < end]
        anchors = [w for w in body if CARD.match(w.text) and edges[1][1] <= w.x0 < edges[1][2]]
        for w in body:
            column = next((c for c, x0, x1 in edges if x0 <= (w.x0 + w.x1) / 2 < x1), None)
            if column is None or not anchors:
                continue
            row = min(anchors, key=lambda a: abs(a.y_mid - w.y_mid))
            if abs(row.y_mid - w.y_mid) > 20:  # the footer, the warning section
                continue
            cells.setdefault(row.text, {}).setdefault(column, []).append(w)
    return {
        card: {column: _reading_order(ws) for column, ws in by_column.items()}
        for card, by_column in cells.items()
    }


def _reading_order(cell: list[Word]) -> str:
    """Lines top to bottom (words within 3 pt of height are one line: a fallback
    font sits a little higher or lower), words left to right."""
    lines: list[list[Word]] = []
    for w in sorted(cell, key=lambda w: w.y_mid):
        if lines and w.y_mid - lines[-1][0].y_mid <= 3:
            lines[-1].append(w)
        else:
            lines.append([w])
    return " ".join(w.text for line in lines for w in sorted(line, key=lambda w: w.x0))


def _same(read: str, value: str) -> bool:
    """``read`` is ``value`` as printed: equal up to how whitespace (incl. the
    ideographic space) and line breaks come back."""
    return read == " ".join(value.split()) or (
        "".join(read.split()) == "".join(value.split()) and " " not in value.strip()
    )


def test_every_row_comes_back_exactly(
    listed: tuple[Rendered, Path, list[Progress]], awkward: list[WaitingEntry], in_no_font: str
) -> None:
    rendered, path, _ = listed
    cells = table_cells(path)
    assert rendered.rows == len(awkward) == len(cells)
    printed = {"葛\U000e0100城 花子": "葛城 花子",
               f"山{in_no_font}花子": f"山[U+{ord(in_no_font):04X}]花子"}  # fmt: skip
    for row in awkward:
        cell = cells[row.card_number]
        assert cell["card_number"] == row.card_number
        assert cell["birth_date"] == row.birth_date.isoformat()
        assert cell["card_made_date"] == row.card_made_date.isoformat()
        assert cell["sex"] == {"1": "男", "2": "女"}[row.sex_code]
        assert "delivered_box" not in cell  # left empty for the pen
        for column in ("name_alpha", "name_kanji"):
            value = getattr(row, column)
            shown = cell.get(column, "")
            assert _same(shown, printed.get(value, value)), (row.card_number, shown, value)


def _column_text(path: Path, column_id: str, page: int) -> list[str]:
    """The lines of one column of the list (poppler, cropped to the column)."""
    lay = layout()
    x = float(lay.page["margin"])
    for column in lay.columns:
        if column.id == column_id:
            break
        x += column.width
    points = 72 / 25.4
    crop = (x * points + 1, 0, column.width * points - 2, 195 * points)  # above the footer
    lines = _lines(text_of(path, first=page, last=page, crop=crop))
    return lines[lines.index(column.label) + 1 :]  # below the column heading


def test_a_long_name_is_wrapped_not_cut(tmp_path: Path) -> None:
    long = entry("LO00000005AA", LONG_ALPHA, LONG_KANJI)
    path = _write(render([long], _header()), tmp_path / "long.pdf")
    alpha = _column_text(path, "name_alpha", 1)
    kanji = _column_text(path, "name_kanji", 1)
    assert len(alpha) > 1 and " ".join(alpha) == LONG_ALPHA
    assert len(kanji) > 1 and "".join(kanji) == LONG_KANJI


def test_rows_are_numbered_in_sort_order(
    listed: tuple[Rendered, Path, list[Progress]], awkward: list[WaitingEntry]
) -> None:
    _, path, _ = listed
    numbered = dict(
        (m.group(2), int(m.group(1)))
        for m in re.finditer(r"^(\d+) ([A-Z]{2}\d{8}[A-Z]{2})$", text_of(path), re.M)
    )
    expected = sorted(e.card_number for e in awkward)
    assert [numbered[c] for c in expected] == list(range(1, len(expected) + 1))


def test_header_on_every_page(listed: tuple[Rendered, Path, list[Progress]]) -> None:
    rendered, path, _ = listed
    pages = page_count(path)
    assert rendered.pages == pages >= 3
    for page in range(1, pages + 1):
        text = text_of(path, first=page, last=page)
        assert "特別永住者証明書交付年月日未入力リスト" in text
        assert "取扱注意" in text
        assert "千代田区（LASDEC 131016）" in text
        assert "令和8年11月21日 09:05（2026-11-21 09:05）" in text
        assert "抽出条件： 全件" in text
        assert f"{page} / {pages} ページ" in text
        for label in (
            "特別永住者証明書番号",
            "氏名（英字）",
            "氏名（漢字）",
            "生年月日",
            "性別",
            "発行年月日",
            "交付年月日（記入）",
            "備考",
        ):
            assert label in text


def test_fallback_font_prints_a_kanji_the_primary_lacks(
    listed: tuple[Rendered, Path, list[Progress]],
) -> None:
    _, path, _ = listed
    assert "𠮷田 花子" in _lines(text_of(path))
    assert "NGUYỄN THỊ MINH KHAI" in _lines(text_of(path))
    used = fonts_of(path)
    assert "IPAexGothic" in used and "NotoSansCJKJP" in used


def test_a_character_in_no_font_is_flagged_not_dropped(
    listed: tuple[Rendered, Path, list[Progress]], in_no_font: str
) -> None:
    rendered, path, _ = listed
    code = f"U+{ord(in_no_font):04X}"
    assert f"山[{code}]花子" in _lines(text_of(path))
    missing = [u for u in rendered.unprintable if u.flag.kind == MISSING]
    assert [(u.card_number, u.column, u.flag.codes) for u in missing] == [
        ("MI00000004AA", "name_kanji", code)
    ]
    assert code in missing[0].render("ja") and code in missing[0].render("en")
    last = text_of(path, layout=True, first=rendered.pages, last=rendered.pages)
    assert "印字できない文字（2件）" in last
    assert re.search(rf"MI00000004AA\s+氏名（漢字）\s+{re.escape(code)}", last)


def test_a_variation_selector_prints_the_base_and_is_flagged(
    listed: tuple[Rendered, Path, list[Progress]],
) -> None:
    rendered, path, _ = listed
    assert "葛城 花子" in _lines(text_of(path))
    assert "\U000e0100" not in text_of(path)
    variation = [u for u in rendered.unprintable if u.flag.kind == VARIATION]
    assert [(u.card_number, u.flag.codes) for u in variation] == [
        ("KA00000003AA", "U+845B U+E0100")
    ]
    last = text_of(path, layout=True, first=rendered.pages, last=rendered.pages)
    assert re.search(r"KA00000003AA\s+氏名（漢字）\s+U\+845B U\+E0100", last)


def test_a_flagged_row_points_to_the_warning(listed: tuple[Rendered, Path, list[Progress]]) -> None:
    _, path, _ = listed
    text = text_of(path, layout=True)
    flagged = [line for line in text.splitlines() if "※印字不可文字" in line]
    assert len(flagged) == 2
    assert any("KA00000003AA" in line for line in flagged)


def test_entered_but_unsent_date_is_noted(listed: tuple[Rendered, Path, list[Progress]]) -> None:
    _, path, _ = listed
    row = next(line for line in text_of(path, layout=True).splitlines() if "TA00000006AA" in line)
    assert "入力済 2026-11-20" in row and "女" in row


def test_progress_reaches_the_total(listed: tuple[Rendered, Path, list[Progress]]) -> None:
    rendered, _, steps = listed
    assert steps[0].step == "pdf.step.fonts"
    rows = [s.done for s in steps if s.step == "pdf.step.rows"]
    assert rows == sorted(rows) and rows[-1] == rendered.rows
    assert steps[-1].step == "pdf.step.output"


def test_page_one_renders_to_a_non_blank_image(
    listed: tuple[Rendered, Path, list[Progress]], tmp_path: Path
) -> None:
    _, path, _ = listed
    png = render_png(path, tmp_path / "page1")
    with Image.open(png) as image:
        assert image.width > image.height  # landscape
        gray = image.convert("L")
        dark = sum(1 for v in gray.tobytes() if v < 128)
    assert dark > 0.01 * gray.width * gray.height


def test_password_is_required(tmp_path: Path) -> None:
    rows = many(3)
    rendered = render(rows, _header(), password="秘密 pass-1")
    path = _write(rendered, tmp_path / "locked.pdf")
    refused = pdftotext(path, check=False)
    assert refused.returncode != 0
    assert rows[0].card_number not in refused.stdout
    assert pdftotext(path, password="wrong", check=False).returncode != 0
    opened = text_of(path, password="秘密 pass-1")
    for row in rows:
        assert row.card_number in opened and row.name_alpha in opened
    assert b"/AESV3" in rendered.data  # AES-256


def test_search_result_with_its_filter_and_sort(tmp_path: Path) -> None:
    rows = [
        entry("AA00000003AA", "LEE JIHO", "李 智浩"),
        entry("AA00000001AA", "KIM HANA", "金 花"),
        entry("AA00000002AA", "CHOI SORA", "崔 空"),
    ]
    ordered = sort_entries(rows, "name_alpha")
    path = _write(
        render(ordered, _header(filter_text="19", sort_key="name_alpha")), tmp_path / "found.pdf"
    )
    text = text_of(path)
    assert "抽出条件： 19" in text and "並び順：氏名（英字）順" in text and "件数：3件" in text
    assert [text.index(n) for n in ("CHOI SORA", "KIM HANA", "LEE JIHO")] == sorted(
        text.index(n) for n in ("CHOI SORA", "KIM HANA", "LEE JIHO")
    )


def test_sort_puts_missing_latin_names_last_and_rejects_unknown_keys() -> None:
    rows = [entry("AA00000001AA", "", "金 花"), entry("AA00000002AA", "BAE", "裴")]
    assert [r.card_number for r in sort_entries(rows, "name_alpha")] == [
        "AA00000002AA",
        "AA00000001AA",
    ]
    by_birth = sort_entries([replace(rows[0], birth_date=date(2000, 1, 1)), rows[1]], "birth_date")
    assert by_birth[0].card_number == "AA00000002AA"
    with pytest.raises(RenkeiError) as caught:
        sort_entries(rows, "address")
    assert caught.value.key == "pdf.sort.unknown"


def test_an_empty_list_says_so(tmp_path: Path) -> None:
    path = _write(render([], _header(filter_text="ZZZ")), tmp_path / "empty.pdf")
    text = text_of(path)
    assert "該当する証明書はありません。" in text and "件数：0件" in text


def test_synthetic_day_list_comes_back_whole(tmp_path: Path) -> None:
    rows = sort_entries(waiting_entries(count=400, seed=3), "name_kanji")
    rendered = render(rows, _header(sort_key="name_kanji"))
    cells = table_cells(_write(rendered, tmp_path / "synth.pdf"))
    assert rendered.unprintable == ()
    assert any("𠮷" in r.name_kanji for r in rows)
    assert len(cells) == len(rows)
    for row in rows:
        cell = cells[row.card_number]
        assert _same(cell.get("name_alpha", ""), row.name_alpha), row.card_number
        assert _same(cell.get("name_kanji", ""), row.name_kanji), row.card_number


def test_text_that_looks_like_the_page_total_alias_prints_as_it_is(tmp_path: Path) -> None:
    rows = [entry("AA00000001AA", "X {nb} Y", "金 花")]
    path = _write(render(rows, _header(filter_text="{nb}")), tmp_path / "alias.pdf")
    text = text_of(path)
    assert "抽出条件： {nb}" in text and "X {nb} Y" in text and "1 / 1 ページ" in text
