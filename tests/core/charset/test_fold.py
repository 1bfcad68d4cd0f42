"""fold(): the 縮退 form for search. Expected pairs from the MJ縮退マップ /
法務省告示582号 別表第四 (髙→高, 𠮷→吉, 﨑→崎) and the IVD (selectors)."""

from core.charset.fold import fold


def test_variants_fold_to_the_form_an_ime_types() -> None:
    assert fold("髙橋") == "高橋"
    assert fold("𠮷田") == "吉田"
    assert fold("山﨑") == "山崎"


def test_variation_selectors_are_dropped() -> None:
    assert fold("葛\U000e0100飾") == "葛飾"
    assert fold("辻\ufe00") == "辻"


def test_plain_text_is_unchanged() -> None:
    assert fold("山田 太郎 ABC ｱｲｳ") == "山田 太郎 ABC ｱｲｳ"
    assert fold("") == ""


def test_the_derived_map_folds_old_and_variant_forms() -> None:
    # 戸籍統一文字情報_親字正字 in the MJ縮退マップ: 邊 → 辺; JIS包摂規準: 𠮷 → 吉.
    assert fold("渡邊") == "渡辺"
    assert fold("邊\U000e0108") == "辺"
    assert fold(fold("髙﨑邊")) == fold("髙﨑邊") == "高崎辺"  # folding is idempotent


def test_folding_twice_changes_nothing_for_any_character_of_the_map() -> None:
    from core.charset.fold import _table

    chars = "".join(chr(code) for code, target in _table().items() if target)
    assert len(chars) > 19_000
    assert fold(fold(chars)) == fold(chars)
