"""The JSON texts of a file's records made a column at a time are the texts
``json.dumps`` makes (the reference: Python's json module, record by record)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from core.exchange.columns import json_arrays, json_texts

# values with what JSON escapes (quotes, backslashes, control characters), non-BMP
_value = st.text(max_size=12) | st.sampled_from(['a"b', "c\\d", "e\nf", "\x01", "𠮷", "", "\t"])
_names = st.lists(
    st.sampled_from(["notice_id", "card_number", "_line", "name", "b", "a", "z_x"]),
    min_size=0,
    max_size=7,
    unique=True,
)


def _keep(name: str) -> bool:
    return name != "notice_id" and not name.startswith("_")


@settings(max_examples=200, deadline=None)
@given(
    names=_names,
    data=st.data(),
    sort=st.booleans(),
    shuffle=st.booleans(),
    odd=st.sampled_from([None, 3, ""]),
)
def test_same_text_as_json_dumps(
    names: list[str], data: st.DataObject, sort: bool, shuffle: bool, odd: object
) -> None:
    rows = data.draw(
        st.lists(st.fixed_dictionaries({n: _value for n in names}), min_size=0, max_size=6)
    )
    if shuffle and rows and len(names) > 1:  # one record with its columns in another order
        rows[-1] = dict(reversed(list(rows[-1].items())))
    if odd != "" and rows and names:  # a value that is not a string
        rows[0][names[0]] = odd  # type: ignore[assignment]
    expected = [
        json.dumps({k: v for k, v in r.items() if _keep(k)}, ensure_ascii=False, sort_keys=sort)
        for r in rows
    ]
    assert json_texts(rows, _keep, sort=sort) == expected
    plain = [json.dumps(r, ensure_ascii=False) for r in rows]
    assert json_texts(rows, lambda _n: True) == plain


@settings(max_examples=200, deadline=None)
@given(names=_names, data=st.data(), odd=st.sampled_from([None, 3, "", "missing", "extra"]))
def test_arrays_are_json_dumps_of_the_values(
    names: list[str], data: st.DataObject, odd: object
) -> None:
    rows = data.draw(
        st.lists(st.fixed_dictionaries({n: _value for n in names}), min_size=0, max_size=6)
    )
    keys = list(reversed(names))  # any order: the order of the list given
    broken = bool(rows and names and odd != "")
    if broken and odd == "missing":  # a row without one of the columns
        del rows[-1][names[0]]
    elif broken and odd == "extra":  # a row with a column the list lacks
        rows[-1]["other"] = "x"
    elif broken:  # a value that is not a string
        rows[0][names[0]] = odd  # type: ignore[assignment]
    got = json_arrays(rows, keys)
    if not rows:
        assert got == []
    elif broken or not keys:
        assert got is None  # not one array per row: the caller writes objects
    else:
        compact = (",", ":")
        assert got == [
            json.dumps([r[k] for k in keys], ensure_ascii=False, separators=compact) for r in rows
        ]
