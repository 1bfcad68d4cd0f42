"""Every message key the code names exists in the catalogue, in Japanese and English.

A missing key is not fatal at run time (``core.i18n.t`` shows the key itself),
so only this scan catches one before an operator sees ``exchange.error.foo``.
It reads the source (``ast``) and takes the string literals passed where a key
is expected: to the lookups themselves and to the constructors and helpers
that carry a key to them. Keys built at run time (f-strings) are not seen here;
their tables are tested where they are built.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from functools import cache
from pathlib import Path

import core
from core import i18n
from core.errors import RenkeiError

ROOT = Path(__file__).resolve().parent.parent

# callable name → (position of the key argument, its keyword name, prefix the
# callable adds). The ``RenkeiError`` classes that take the key first are found
# by ``key_errors()``, so they need no line here.
LOOKUPS: dict[str, tuple[int, str, str]] = {
    "t": (0, "key", ""),  # core.i18n.t
    "tr": (0, "key", "ui."),  # tui.text.tr: the UI domain
    "Problem": (2, "key", ""),  # core.report.Problem(line, column, key, params)
    "Progress": (0, "step", ""),  # core.model.Progress: the step's key
    "history": (1, "action", ""),  # core.exchange.ledger.history(store, action, …)
    "Genuineness": (1, "reason", ""),  # core.card.genuine: the reason's key
    "HandOver": (3, "reason", ""),  # core.card.counter
    "Bad": (2, "key", ""),  # core.charset.codec
    "_fatal": (1, "key", ""),  # core.formats.csvio
    "_fail": (2, "key", ""),  # core.charset.gaiji
    "_rejected": (2, "key", ""),  # core.charset.files
    "one_of_check": (1, "key", ""),  # core.formats.fields
    "ask": (0, "prompt_key", ""),  # tui.commands._vault
}
# Sources that are not the product's: core.reference (its server keeps its own log;
# its ``history(lasdec, action, …)`` is not the catalogue's).
SKIP_UNDER = Path("core/reference")


@cache
def key_errors() -> frozenset[str]:
    """Names of the ``RenkeiError`` classes whose first argument is the key (the
    others build their key themselves from other arguments)."""
    for info in pkgutil.walk_packages(core.__path__, "core."):
        importlib.import_module(info.name)
    names, todo = set(), [RenkeiError]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        first = next(iter(list(inspect.signature(cls.__init__).parameters)[1:2]), "")
        if first == "key":
            names.add(cls.__name__)
    return frozenset(names)


def _name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _key_argument(call: ast.Call) -> tuple[ast.expr | None, str]:
    name = _name(call)
    if name in LOOKUPS:
        position, keyword, prefix = LOOKUPS[name]
    elif name in key_errors():
        position, keyword, prefix = 0, "key", ""
    else:
        return None, ""
    for kw in call.keywords:
        if kw.arg == keyword:
            return kw.value, prefix
    args = [a for a in call.args if not isinstance(a, ast.Starred)]
    return (args[position] if len(args) > position else None), prefix


def used_keys() -> list[tuple[str, int, str]]:
    """(file, line, key) of every literal key in core/ and tui/."""
    found = []
    for path in sorted([*ROOT.joinpath("core").rglob("*.py"), *ROOT.joinpath("tui").rglob("*.py")]):
        rel = path.relative_to(ROOT)
        if rel.is_relative_to(SKIP_UNDER):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            arg, prefix = _key_argument(node)
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value:
                found.append((str(rel), node.lineno, prefix + arg.value))
    return found


def test_every_key_used_in_code_is_in_both_catalogues() -> None:
    catalogue = i18n.catalogue()
    used = used_keys()
    assert len({key for _, _, key in used}) > 300, "the scan found too few keys to be working"
    missing = [
        f"{file}:{line}: {key}"
        for file, line, key in used
        if not {"ja", "en"} <= set(catalogue.get(key, {}))
    ]
    assert missing == []


def test_the_scan_sees_a_missing_key(tmp_path: Path) -> None:
    """The scan reads what it should: a key in each kind of place is found."""
    tree = ast.parse(
        "t('a.b')\ntr('c')\nExchangeError('d.e', x=1)\nProblem(0, '', key='f.g')\nfoo('h.i')\n"
    )
    found = [_key_argument(node) for node in ast.walk(tree) if isinstance(node, ast.Call)]
    keys = sorted(prefix + arg.value for arg, prefix in found if isinstance(arg, ast.Constant))
    assert keys == ["a.b", "d.e", "f.g", "ui.c"]
