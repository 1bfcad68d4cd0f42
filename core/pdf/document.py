"""The 特別永住者証明書交付年月日未入力リスト as PDF bytes, in memory.

Seed ②③: the list goes to the counter by fax or mail, the counter writes each
交付年月日 by hand in the empty box and sends it back. So the page is A4
landscape, one certificate per row with a box big enough for a pen, and the
header says whose list it is, when it was made, which rows it holds and that it
is 取扱注意.

Everything printed goes through ``Coverage`` first (see ``coverage``): a value
is drawn with the fallback font only when it needs it (fpdf2's fallback path
walks every character, so leaving it on for every cell would cost as much as
the rest of the list), a long name is set smaller and then wrapped, never cut,
and every character that cannot be printed as it is ends up in the warning
section on the last page and in ``Rendered.unprintable``.

Only ``cell()`` draws text: fpdf2's ``table()`` is several times slower.
"""

from __future__ import annotations

import secrets
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any, Literal

from fpdf import FPDF
from fpdf.enums import EncryptionMethod
from fpdf.fonts import CoreFont, TTFFont

from core.errors import RenkeiError
from core.formats.tables import codes
from core.i18n import t
from core.model import Progress, ProgressFn, WaitingEntry
from core.pdf import fonts as fontfiles
from core.pdf.coverage import MISSING, Checked, Coverage, Flag
from core.wareki import display, to_wareki

PROGRESS_EVERY = 250  # rows between two progress reports
# fpdf2 replaces this alias with the page total in any text it draws. It holds a
# noncharacter that no font has, so a value containing it is shown as [U+FFFF]
# by the check and can never be taken for the alias (unlike fpdf2's "{nb}").
PAGES_ALIAS = "\uffffnb\uffff"


@dataclass(frozen=True)
class Column:
    id: str
    label: str
    width: float
    align: str
    fit: str


@dataclass(frozen=True)
class Layout:
    page: dict[str, Any]
    columns: tuple[Column, ...]
    sort_labels: dict[str, str]


@cache
def layout() -> Layout:
    """The page, columns and sort keys of ``layout.toml``."""
    raw = tomllib.loads((resources.files(__package__) / "layout.toml").read_text("utf-8"))
    columns = tuple(
        Column(c["id"], c["label"], float(c["width"]), c["align"], c["fit"]) for c in raw["column"]
    )
    return Layout(raw["page"], columns, dict(raw["sort"]))


def sort_keys() -> tuple[str, ...]:
    return tuple(layout().sort_labels)


def _sort_value(entry: WaitingEntry, key: str) -> tuple[Any, ...]:
    value = getattr(entry, key)
    if isinstance(value, str):
        # Empty values (a kanji-only person has no Latin name) go last.
        return (value == "", value.casefold(), value, entry.card_number)
    return (False, value, entry.card_number)


def sort_entries(entries: Sequence[WaitingEntry], key: str) -> list[WaitingEntry]:
    """``entries`` ordered by ``key`` (one of ``sort_keys()``), card number second."""
    if key not in layout().sort_labels:
        raise RenkeiError("pdf.sort.unknown", key=key, keys=", ".join(sort_keys()))
    return sorted(entries, key=lambda e: _sort_value(e, key))


def _sex_text(code: str) -> str:
    """男 / 女 from the code table (``sex`` in core/formats/codes.csv); an unknown
    code is printed as it is."""
    found = codes().get("sex", {}).get(code)
    return found[0] if found else code


def _maps(font: CoreFont | TTFFont) -> tuple[dict[int, str], dict[int, float]]:
    """A font's (cmap, widths) for ``Coverage``: only the TrueType fonts added here
    have a cmap (fpdf2's built-in core fonts are never used for the list)."""
    if not isinstance(font, TTFFont):
        raise TypeError(f"not a TrueType font: {font!r}")
    return font.cmap, font.cw


@dataclass(frozen=True)
class ListHeader:
    """What the header of every page says."""

    municipality: str
    lasdec: str
    generated_at: datetime  # local time (an aware time is converted to local)
    filter_text: str = ""  # "" means the whole list
    sort_key: str = "card_number"


@dataclass(frozen=True)
class Unprintable:
    """A value not printed exactly as it is: where, and what was printed instead."""

    row: int  # No on the list; 0 for the header
    card_number: str
    column: str  # column id, or "filter" / "municipality" for the header
    flag: Flag

    def render(self, lang: str | None = None) -> str:
        where = (
            t("pdf.unprintable.row", lang, row=self.row, card=self.card_number)
            if self.row
            else t("pdf.unprintable.header", lang)
        )
        key = (
            "pdf.unprintable.missing" if self.flag.kind == MISSING else "pdf.unprintable.variation"
        )
        column = t(f"pdf.column.{self.column}", lang)
        reason = t(key, lang, codes=self.flag.codes, printed=self.flag.printed)
        return f"{where}: {column}: {reason}"


@dataclass(frozen=True)
class Rendered:
    data: bytes
    rows: int
    pages: int
    unprintable: tuple[Unprintable, ...] = field(default_factory=tuple)


def _wareki(moment: datetime) -> str:
    """The era form of ``moment``'s date (core.wareki), "" where it has none."""
    try:
        return to_wareki(moment.date())
    except ValueError:
        return ""


class _ListPdf(FPDF):
    """fpdf2 with the list's header, text fitting and fallback switching."""

    def __init__(
        self, coverage_fonts: tuple[fontfiles.FontFile, ...], header: ListHeader, total_rows: int
    ) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.lay = layout()
        page = self.lay.page
        self.margin = float(page["margin"])
        self.size = float(page["font_size"])
        self.min_size = float(page["min_font_size"])
        self.row_h = float(page["row_height"])
        self.line_h = float(page["line_height"])
        self.set_margins(self.margin, self.margin, self.margin)
        self.set_auto_page_break(False)
        self.c_margin = 1.0
        for font in coverage_fonts:
            self.add_font(font.spec.family, "", str(font.path), collection_font_number=font.index)
        self.primary = coverage_fonts[0].spec.family
        self.fallbacks = [f.spec.family for f in coverage_fonts[1:]]
        self.coverage = Coverage([_maps(self.fonts[f.spec.family.lower()]) for f in coverage_fonts])
        self._fallback_on = False
        self.list_header = header
        self.total_rows = total_rows
        self.unprintable: list[Unprintable] = []
        self.date_display = "西暦"  # ``[ui] date_display``; table columns use the compact form
        self.bottom = self.h - self.margin - 5.0
        self.alias_nb_pages(PAGES_ALIAS)
        self.set_font(self.primary, size=self.size)
        self._prepare_header()

    # -- text -------------------------------------------------------------------------
    def checked(self, value: str, row: int = 0, card: str = "", column: str = "") -> Checked:
        found = self.coverage.check(value)
        for flag in found.flags:
            self.unprintable.append(Unprintable(row, card, column, flag))
        return found

    def _fallback(self, on: bool) -> None:
        if on != self._fallback_on:
            self.set_fallback_fonts(self.fallbacks if on else [])
            self._fallback_on = on

    def width_mm(self, units: float, size: float) -> float:
        return units * size * 0.001 / self.k

    def put(
        self,
        w: float,
        h: float,
        found: Checked,
        align: str = "L",
        size: float | None = None,
        border: Literal[0, 1] | str = 0,
        fill: bool = False,
    ) -> None:
        """One line of checked text in a cell (the caller made sure it fits)."""
        self._fallback(found.fallback)
        if size is not None and size != self.font_size_pt:
            self.set_font_size(size)
        self.cell(w, h, found.text, border=border, align=align, fill=fill)

    def fit(self, found: Checked, width: float, size: float) -> tuple[float, list[str]]:
        """(font size, lines) so that ``found`` fits ``width``: smaller type down to the
        minimum size, then wrapped onto as many lines as it takes."""
        room = width - 2 * self.c_margin
        natural = self.width_mm(found.units, size)
        if natural <= room:
            return size, [found.text]
        shrunk = size * room / natural
        if shrunk >= self.min_size:
            return shrunk - 0.01, [found.text]
        return self.min_size, self._wrap(found.text, room, self.min_size)

    def _wrap(self, text: str, room: float, size: float) -> list[str]:
        limit = room * self.k * 1000.0 / size  # in font units
        lines: list[str] = []
        start, used, last_space = 0, 0.0, -1
        i = 0
        while i < len(text):
            ch = text[i]
            w = self.coverage.char(ord(ch))[1]
            if used + w > limit and i > start:
                cut = last_space + 1 if last_space >= start else i
                lines.append(text[start:cut].rstrip())
                start, used, last_space = cut, 0.0, -1
                i = start
                continue
            if ch == " ":
                last_space = i
            used += w
            i += 1
        lines.append(text[start:])
        return [line for line in lines if line] or [""]

    # -- header -----------------------------------------------------------------------
    def _prepare_header(self) -> None:
        head = self.list_header
        page = self.lay.page
        size = float(page["header_size"])
        moment = head.generated_at
        if moment.tzinfo is not None:
            moment = moment.astimezone()
        era = _wareki(moment)
        stamp = f"{moment:%Y-%m-%d %H:%M}"
        made = f"{era} {moment:%H:%M}（{stamp}）" if era else stamp
        place = head.municipality or "—"
        self.h_place = self.checked(
            f"{place}（LASDEC {head.lasdec or '—'}）", column="municipality"
        )
        self.h_made = self.checked(f"作成日時 {made}")
        self.h_title = self.checked(str(page["title"]))
        self.h_caution = self.checked(str(page["caution"]))
        label = self.lay.sort_labels.get(head.sort_key, head.sort_key)
        query = head.filter_text or "全件"
        self.h_filter_label = self.checked("抽出条件：")
        filt = self.checked(query, column="filter")
        label_w = self.width_mm(self.h_filter_label.units, size) + 2 * self.c_margin
        self.filter_w = self.epw - 60.0 - label_w
        self.filter_size, self.filter_lines = self.fit(filt, self.filter_w, size)
        self.h_rest = self.checked(f"並び順：{label}順　件数：{self.total_rows}件")
        self.h_label = [self.checked(c.label) for c in self.lay.columns]

    def header(self) -> None:
        page = self.lay.page
        size = float(page["header_size"])
        m = self.margin
        self.set_xy(m, m)
        self.put(self.epw - 30, 7, self.h_title, size=14)
        self.set_text_color(200, 0, 0)
        self.set_draw_color(200, 0, 0)
        self.set_line_width(0.5)
        self.set_xy(self.w - m - 26, m)
        self.put(26, 7, self.h_caution, align="C", size=11, border=1)
        self.set_text_color(0)
        self.set_draw_color(0)
        self.set_line_width(0.2)
        y = m + 8.5
        self.set_xy(m, y)
        self.put(self.epw / 2, 5, self.h_place, size=size + 1)
        self.set_xy(m + self.epw / 2, y)
        self.put(self.epw / 2, 5, self.h_made, align="R", size=size)
        y += 5.5
        self.set_xy(m, y)
        label_w = self.width_mm(self.h_filter_label.units, size) + 2 * self.c_margin
        self.put(label_w, 4.5, self.h_filter_label, size=size)
        for n, line in enumerate(self.filter_lines):
            self.set_xy(m + label_w, y + n * self.line_h)
            self.put(self.filter_w, 4.5, self.coverage.check(line), size=self.filter_size)
        self.set_xy(m + self.epw - 60, y)
        # Drawn without the check: the alias is replaced by the page total.
        self._fallback(False)
        self.set_font_size(size)
        self.cell(60, 4.5, f"{self.page_no()} / {PAGES_ALIAS} ページ", align="R")
        y += max(1, len(self.filter_lines)) * self.line_h + 1
        self.set_xy(m, y)
        self.put(self.epw, 4.5, self.h_rest, size=size)
        y += 5.5
        self.set_xy(m, y)
        self.set_fill_color(225)
        for column, label in zip(self.lay.columns, self.h_label, strict=True):
            lsize, _ = self.fit(label, column.width, size)
            self.put(column.width, 7, label, align="C", size=lsize, border=1, fill=True)
        self.set_xy(m, y + 7)
        self.set_font_size(self.size)

    def footer(self) -> None:
        self.set_xy(self.margin, self.h - self.margin - 4)
        note = self.coverage.check(
            "取扱注意：個人情報を含みます。交付年月日を記入して返送し、用済み後は速やかに廃棄してください。"
        )
        self.put(self.epw, 4, note, size=7)
        self.set_font_size(self.size)

    # -- rows -------------------------------------------------------------------------
    def row(self, number: int, entry: WaitingEntry) -> None:
        card = entry.card_number
        remarks = entry.application_text
        shown = self.date_display
        if entry.entered_date is not None:
            entered = f"入力済 {display(entry.entered_date, shown, compact=True)}"
            remarks = f"{remarks} {entered}" if remarks else entered
        values = {
            "no": str(number),
            "card_number": card,
            "name_alpha": entry.name_alpha,
            "name_kanji": entry.name_kanji,
            "birth_date": display(entry.birth_date, shown, compact=True),
            "sex": _sex_text(entry.sex_code),
            "card_made_date": display(entry.card_made_date, shown, compact=True),
            "delivered_box": "",
            "remarks": remarks,
        }
        cells: list[tuple[Column, Checked, float, list[str]]] = []
        flagged = len(self.unprintable)
        height = self.row_h
        for column in self.lay.columns:
            if column.fit == "box":
                cells.append((column, self.coverage.check(""), self.size, []))
                continue
            found = self.checked(values[column.id], number, card, column.id)
            if column.fit == "fixed":
                size, lines = self.size, [found.text]
                if self.width_mm(found.units, size) > column.width - 2 * self.c_margin:
                    size, lines = self.fit(found, column.width, size)
            else:
                size, lines = self.fit(found, column.width, self.size)
            cells.append((column, found, size, lines))
            height = max(height, len(lines) * self.line_h + 1.5)
        if len(self.unprintable) > flagged:
            # Point from the row to the warning section.
            column, found, size, lines = cells[-1]
            mark = self.coverage.check(f"{found.text} ※印字不可文字".strip())
            size, lines = self.fit(mark, column.width, self.size)
            cells[-1] = (column, mark, size, lines)
            height = max(height, len(lines) * self.line_h + 1.5)
        if self.get_y() + height > self.bottom:
            self.add_page()
        x, y = self.margin, self.get_y()
        for column, found, size, lines in cells:
            self.set_xy(x, y)
            if column.fit == "box":  # left empty for the pen
                self.rect(x, y, column.width, height)
            elif len(lines) == 1:
                self.put(
                    column.width,
                    height,
                    found if lines[0] == found.text else self.coverage.check(lines[0]),
                    align=column.align,
                    size=size,
                    border=1,
                )
            else:
                self.rect(x, y, column.width, height)
                top = y + (height - len(lines) * self.line_h) / 2
                for n, line in enumerate(lines):
                    self.set_xy(x, top + n * self.line_h)
                    self.put(
                        column.width,
                        self.line_h,
                        self.coverage.check(line),
                        align=column.align,
                        size=size,
                    )
            x += column.width
        self.set_xy(self.margin, y + height)

    def warnings(self) -> None:
        """The section on the last page that lists every character not printed as is."""
        if not self.unprintable:
            return
        size = self.size
        need = 8 + 5 * min(len(self.unprintable), 3)
        if self.get_y() + need > self.bottom:
            self.add_page()
        self.set_xy(self.margin, self.get_y() + 3)
        title = self.checked(
            f"印字できない文字（{len(self.unprintable)}件）：フォントにない文字は [U+コード] で、"
            "異体字セレクタ付きの文字は基底文字で印字しています。原本で確認してください。"
        )
        size_t, lines = self.fit(title, self.epw, size)
        for line in lines:
            self.set_x(self.margin)
            self.put(self.epw, 5, self.coverage.check(line), size=size_t)
            self.ln(5)
        widths = (14, 34, 40, 60, 129)
        heads = ("No", "証明書番号", "項目", "文字コード", "印字内容")
        self.set_fill_color(225)
        self.set_x(self.margin)
        for w, label in zip(widths, heads, strict=True):
            self.put(w, 6, self.coverage.check(label), align="C", size=size, border=1, fill=True)
        self.ln(6)
        labels = {c.id: c.label for c in self.lay.columns}
        labels.update(filter="抽出条件", municipality="市区町村名")
        for item in self.unprintable:
            if self.get_y() + 6 > self.bottom:
                self.add_page()
            flag = item.flag
            kind = "フォントになし" if flag.kind == MISSING else "異体字セレクタ（基底文字で印字）"
            cells = (
                str(item.row) if item.row else "見出し",
                item.card_number,
                labels.get(item.column, item.column),
                flag.codes,
                f"{flag.printed}　{kind}",
            )
            self.set_x(self.margin)
            for w, value in zip(widths, cells, strict=True):
                found = self.coverage.check(value)
                fsize, lines = self.fit(found, w, size)
                shown = found if len(lines) == 1 else self.coverage.check(" ".join(lines))
                if len(lines) > 1:
                    fsize = size * (w - 2 * self.c_margin) / self.width_mm(shown.units, size)
                self.put(w, 6, shown, size=fsize, border=1)
            self.ln(6)


def render(
    entries: Sequence[WaitingEntry],
    header: ListHeader,
    *,
    password: str | None = None,
    progress: ProgressFn | None = None,
    font_files: tuple[fontfiles.FontFile, ...] | None = None,
    date_display: str = "西暦",
) -> Rendered:
    """The list of ``entries`` (already filtered and sorted) as PDF bytes.

    ``date_display``: the ``[ui] date_display`` setting; the date columns take its
    compact form (R6.4.1 for 和暦 and 両方, 2024-04-01 for 西暦).

    ``password``: AES-256 with this user password (the owner password is random,
    so nobody can lift the protection with it).
    """
    report: Callable[[str, int, int | None], None] = (
        (lambda step, done, total: progress(Progress(step, done, total)))
        if progress
        else (lambda step, done, total: None)
    )
    total = len(entries)
    report("pdf.step.fonts", 0, total)
    pdf = _ListPdf(font_files or fontfiles.locate_all(), header, total)
    pdf.date_display = date_display
    pdf.set_title(str(layout().page["title"]))
    pdf.set_creator("renkei")
    pdf.add_page()
    for number, entry in enumerate(entries, start=1):
        pdf.row(number, entry)
        if number % PROGRESS_EVERY == 0:
            report("pdf.step.rows", number, total)
    if not entries:
        pdf.put(pdf.epw, pdf.row_h, pdf.coverage.check("該当する証明書はありません。"))
        pdf.ln(pdf.row_h)
    report("pdf.step.rows", total, total)
    pdf.warnings()
    if password:
        pdf.set_encryption(
            owner_password=secrets.token_urlsafe(32),
            user_password=password,
            encryption_method=EncryptionMethod.AES_256,
            encrypt_metadata=True,
        )
    report("pdf.step.output", total, total)
    data = bytes(pdf.output())
    return Rendered(data, total, pdf.pages_count, tuple(pdf.unprintable))
