"""The import contracts in pyproject.toml (checked by ``lint-imports`` in .ci/run)
cover every module: a new core module must say whether it is production code."""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path

import core

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_CONTRACT = "production core never imports the reference server, its TLS helper or synth"


def _contract(name: str) -> dict[str, object]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["name"] == name)


def _covered(module: str, listed: list[str]) -> bool:
    return any(module == m or module.startswith(m + ".") for m in listed)


def test_every_core_module_is_production_or_reference() -> None:
    """Every core module but those of core.reference is a source of the contract,
    so production code importing the reference server, its TLS helper or synth
    breaks ``lint-imports``."""
    contract = _contract(REFERENCE_CONTRACT)
    sources = list(contract["source_modules"])  # type: ignore[call-overload]
    forbidden = list(contract["forbidden_modules"])  # type: ignore[call-overload]
    assert forbidden == ["core.reference"]
    modules = [m.name for m in pkgutil.walk_packages(core.__path__, "core.")]
    assert modules, "no core modules found"
    reference = [m for m in modules if _covered(m, forbidden)]
    # the contract guards something: the server, its TLS helper and synth are there
    assert {"core.reference.tls", "core.reference.synth"} <= set(reference)
    unlisted = [m for m in modules if not _covered(m, sources) and not _covered(m, forbidden)]
    assert unlisted == []
    assert [m for m in sources if _covered(m, forbidden)] == []
    # no stale entry: each source is a core module
    assert [m for m in sources if m not in modules] == []


LAYERS_CONTRACT = "core layers: session > terminal > bundle"
# core's top-level modules every layer may use (they import no core layer)
LEAVES = ["core.hardening", "core.datafiles", "core.data"]


def test_every_top_level_core_module_has_its_place_in_the_layers() -> None:
    """A new core package or top-level module says where it sits (or that it is
    a leaf, or reference code); otherwise the layers would not constrain it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["name"].startswith(LAYERS_CONTRACT))
    placed = [m.strip() for layer in layers["layers"] for m in layer.split("|")]
    reference = list(_contract(REFERENCE_CONTRACT)["forbidden_modules"])  # type: ignore[call-overload]
    top = [f"core.{m.name}" for m in pkgutil.iter_modules(core.__path__)]
    assert top, "no core modules found"
    unplaced = [
        m for m in top if m not in placed and m not in LEAVES and not _covered(m, reference)
    ]
    assert unplaced == []
    assert [m for m in LEAVES if m not in top] == []
