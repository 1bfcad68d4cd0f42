"""The catalogue: every message in both languages with the same placeholders."""

from __future__ import annotations

import string

from core import i18n


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_both_languages_with_same_placeholders() -> None:
    catalogue = i18n.catalogue()
    assert catalogue, "the catalogue is empty"
    bad = {
        key: entry
        for key, entry in catalogue.items()
        if set(entry) != set(i18n.LANGS) or _fields(entry["ja"]) != _fields(entry["en"])
    }
    assert bad == {}


def test_t_formats_in_the_chosen_language() -> None:
    assert i18n.t("common.error.file_not_found", "en", path="x.csv") == "file not found: x.csv"
    assert "x.csv" in i18n.t("common.error.file_not_found", "ja", path="x.csv")


def test_unknown_key_is_visible_not_fatal() -> None:
    assert i18n.t("no.such.key", "ja", n=1) == "no.such.key(n=1)"
