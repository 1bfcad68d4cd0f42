"""Text from outside as printed (control and format characters escaped) and as
written for a spreadsheet (OWASP CSV-injection rule)."""

from __future__ import annotations

import pytest

from core.textsafe import formula_safe, shown


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("moj.csv\x1b[2J", "moj.csv\\x1b[2J"),
        ("a\u202eb", "a\\u202eb"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("bell\x07", "bell\\x07"),
        ("line\nbreak", "line\\x0abreak"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("山田 花子", "山田 花子"),
    ],
)
def test_hidden_characters_are_escaped(text: str, printed: str) -> None:
    assert shown(text) == printed


def test_long_text_is_cut_and_newlines_kept_when_asked() -> None:
    assert shown("x" * 300, 10) == "x" * 10 + "…"
    assert shown("a\nb\x1b", 0, keep_newlines=True) == "a\nb\\x1b"


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_leads_are_quoted(lead: str) -> None:
    assert formula_safe(f"{lead}SUM(A1)") == f"'{lead}SUM(A1)"


def test_other_cells_are_untouched() -> None:
    for cell in ("山田", "AB00000001CD", "", " =1", "1-2"):
        assert formula_safe(cell) == cell
