"""The shipped tables are reproducible byte for byte from the pinned tarball.

The test fetches ``@mandel59/mojidata@1.8.1`` with ``npm pack`` (CI has the npm
registry). Offline it fails, saying why: a skipped check would count as passed
(the committed files are the product's data either way; this proves where they
come from)."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

from core.charset import derive


@pytest.fixture(scope="module")
def tarball(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("npm")
    try:
        return derive.fetch(folder)
    except (derive.DeriveError, OSError) as exc:
        pytest.fail(f"cannot fetch the pinned tarball with npm (needs the npm registry): {exc}")


def test_derivation_reproduces_the_committed_files(tarball: Path) -> None:
    files = derive.derive(tarball)
    assert sorted(files) == sorted(derive.FILES)
    for name, data in files.items():
        assert (derive.DATA / name).read_bytes() == data, name


def test_another_tarball_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / derive.TARBALL
    with tarfile.open(fake, "w:gz"):
        pass
    with pytest.raises(derive.DeriveError, match="refusing"):
        derive.derive(fake)
    assert derive.main(["--tarball", str(fake), "--out", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists()
