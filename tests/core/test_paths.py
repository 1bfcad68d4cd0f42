"""``core.paths`` is the one place that names the files of a data directory:
no other module of core or tui spells one of those names itself, and a data
directory made by ``renkei init`` holds them where ``core.paths`` says."""

from __future__ import annotations

import ast
from pathlib import Path

from core import paths
from core.datadir.unlock import init_vault

ROOT = Path(__file__).resolve().parents[2]
# The reference server keeps its own CA in a folder of its own with the same
# file names; they are not names inside a terminal's data directory.
SHARED_WITH_REFERENCE = set(paths.TLS_FILES.values())


def _names() -> dict[str, str]:
    """Every distinctive name (a file name or a nested path) core.paths defines."""
    found = {}
    for attr, value in vars(paths).items():
        if attr.isupper() and isinstance(value, str) and any(c in value for c in "./-"):
            found[value] = attr
    return found


def test_no_other_module_spells_a_data_directory_name() -> None:
    names = _names()
    assert {"keys.toml", "renkei.db", "config.toml", "anchor.json", "files/inbox"} <= set(names)
    spelled = []
    for source in sorted([*(ROOT / "core").rglob("*.py"), *(ROOT / "tui").rglob("*.py")]):
        if source == ROOT / "core" / "paths.py":
            continue
        tree = ast.parse(source.read_text(encoding="utf-8"))
        # a piece of an f-string (f"{name}.lock") is no name of its own
        pieces = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in names and id(node) not in pieces:
                if node.value not in SHARED_WITH_REFERENCE:
                    spelled.append(f"{source.relative_to(ROOT)}:{node.lineno} {node.value!r}")
    assert spelled == []


def test_a_new_data_directory_has_its_files_where_core_paths_says(tmp_path: Path) -> None:
    # README "Data directory, passphrase, encryption at rest": keys.toml,
    # config.toml, renkei.db, files/ (and the lock the open terminal holds)
    data = tmp_path / "data"
    with init_vault(data, "correct horse battery staple 1", cost="low", operator="admin"):
        pass
    for name in ["keys.toml", "config.toml", "renkei.db", "files", ".lock"]:
        assert (data / name).exists(), name
    assert paths.KEYS_NAME == "keys.toml" and paths.DB_NAME == "renkei.db"
    assert paths.CONFIG_NAME == "config.toml" and paths.LOCK_NAME == ".lock"
    assert paths.FILES_DIR == "files"
