"""JSON texts of a file's records made a column at a time.

Fetching a file of 50,000 certificate notices makes two JSON texts per record
(the sealed 未入力 entry and the content its duplicate digest is keyed on).
``json.dumps`` per record spends its time on the call, not the text; here each
column is searched once for a character JSON escapes (a file's values rarely
have one; a column that does is escaped by the ``json`` module's own
``encode_basestring``) and each record's text is one ``str.join`` — the same
characters ``json.dumps(..., ensure_ascii=False)`` writes.

The usual file is ``Plain``: every record has the same columns in the same
order and no value has a character to escape (one search over all of them).
Its texts are then made from each record's values by one ``str.join`` or one
``%`` with a template of the column ids, without taking the columns apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from json.encoder import encode_basestring
from operator import itemgetter

# what json.encoder escapes when ensure_ascii is off (its ESCAPE pattern)
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\\"\b\f\n\r\t]')
_PLAIN = json.JSONEncoder(ensure_ascii=False).encode
_SORTED = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


# what JSON escapes but a quote: a value's quotes are counted instead (a record's
# values joined by '","' have 2 per join and no other)
_ESCAPE_BUT_QUOTE = re.compile(r"[\x00-\x1f\\]")


@dataclass(frozen=True)
class Plain:
    """Records of the same columns in the same order, all their values strings
    without a character JSON escapes."""

    columns: tuple[str, ...]
    joined: list[str]  # '","'.join(record.values()) of each record


def plain(rows: Sequence[dict[str, str]]) -> Plain | None:
    """``rows`` as ``Plain``, or None when they are not."""
    if not rows or not rows[0]:
        return None
    columns = tuple(rows[0])
    if any(map(columns.__ne__, map(tuple, rows))):
        return None
    try:
        joined = list(map('","'.join, map(dict.values, rows)))
    except TypeError:  # a value that is not a string
        return None
    text = "".join(joined)
    if text.count('"') != 2 * (len(columns) - 1) * len(rows):
        return None  # a value with a quote
    if _ESCAPE_BUT_QUOTE.search(text) is not None:
        return None
    return Plain(columns, joined)


def json_texts(
    rows: Sequence[dict[str, str]],
    keep: Callable[[str], bool],
    sort: bool = False,
    shape: Plain | None = None,
) -> list[str]:
    """``json.dumps({k: v of row if keep(k)}, ensure_ascii=False, sort_keys=sort)``
    of each row. When the rows do not all have the same columns in the same
    order, or hold a value that is not a string, row by row with ``json``.
    ``shape``: ``plain(rows)``, when the caller has it already."""
    if not rows:
        return []
    shape = shape or plain(rows)
    if shape is not None:
        keys = [k for k in shape.columns if keep(k)]
        if not keys:
            return ["{}"] * len(rows)
        if sort:
            keys.sort()
        # '{"key1": "%s", "key2": "%s"}' filled with the row's values of those keys
        template = (
            "{" + ", ".join(encode_basestring(k).replace("%", "%%") + ': "%s"' for k in keys) + "}"
        )
        pick = itemgetter(*keys)
        if len(keys) == 1:
            return [template % (value,) for value in map(pick, rows)]
        return list(map(template.__mod__, map(pick, rows)))
    columns = tuple(rows[0])
    if any(map(columns.__ne__, map(tuple, rows))):
        return _each(rows, keep, sort)
    keys = [k for k in columns if keep(k)]
    if sort:
        keys.sort()
    if not keys:
        return ["{}"] * len(rows)
    # Each record is one join of: '{"key1": "', value1, '", "key2": "', value2, …,
    # '"}' — with each value escaped as json escapes it, which for a column none of
    # whose values has a character to escape is the value itself.
    parts: list[Iterable[str]] = []
    for n, key in enumerate(keys):
        parts.append(repeat(("{" if n == 0 else '", ') + encode_basestring(key) + ': "'))
        column = list(map(itemgetter(key), rows))
        try:
            joined = "".join(column)
        except TypeError:  # a value that is not a string: json says how
            return _each(rows, keep, sort)
        if _NEEDS_ESCAPE.search(joined) is None:
            parts.append(column)
        else:  # escaped, without the quotes the parts around it give
            parts.append([encode_basestring(v)[1:-1] for v in column])
    parts.append(repeat('"}'))
    return list(map("".join, zip(*parts)))  # noqa: B905 (the repeats are endless)


def json_arrays(
    rows: Sequence[dict[str, str]], keys: Sequence[str], shape: Plain | None = None
) -> list[str] | None:
    """``json.dumps([row[k] for k in keys], ensure_ascii=False, separators=(",", ":"))``
    of each row; None when a row lacks one of ``keys`` or has other columns
    (then an array would not say the row), or holds a value that is not a string.
    ``shape``: ``plain(rows)``, when the caller has it already."""
    if not rows:
        return []
    if not keys:
        return None
    shape = shape or plain(rows)
    if shape is not None and shape.columns == tuple(keys):
        return ['["' + text + '"]' for text in shape.joined]
    if any(map(len(keys).__ne__, map(len, rows))):
        return None
    values: list[list[str]] = []
    for key in keys:
        try:
            column = list(map(itemgetter(key), rows))
            joined = "".join(column)
        except (KeyError, TypeError):  # a missing column, a value that is not a string
            return None
        if _NEEDS_ESCAPE.search(joined) is not None:  # escaped, without its quotes
            column = [encode_basestring(v)[1:-1] for v in column]
        values.append(column)
    # '["' v1 '","' v2 … '"]': one join per row over its values
    return ['["' + text + '"]' for text in map('","'.join, zip(*values))]  # noqa: B905


def column(rows: Sequence[dict[str, str]], name: str, default: str = "") -> list[str]:
    """``row.get(name, default)`` of each row, in one pass when every row has it."""
    try:
        return list(map(itemgetter(name), rows))
    except KeyError:
        return [row.get(name, default) for row in rows]


def _each(rows: Sequence[dict[str, str]], keep: Callable[[str], bool], sort: bool) -> list[str]:
    encode = _SORTED if sort else _PLAIN
    return [encode({k: v for k, v in row.items() if keep(k)}) for row in rows]
