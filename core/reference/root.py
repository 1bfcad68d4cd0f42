"""The server's root folder: terminal tokens and the MOJ notice files offered.

Layout::

    tokens.toml                 [terminals."131041"] token = "…"
    faults.toml                 optional misbehaviour for tests (core.reference.faults)
    server.sqlite               receipts, uploads, notices held, history (core.reference.ledger)
    tls/ca.pem …                made at first start unless --cert/--key are given
    <lasdec>/moj/moj-….csv      MOJ notice files offered to that municipality
    <lasdec>/moj/spr-….csv      certificate notice files
    <lasdec>/received/<receipt>.csv   accepted records of each municipal notice upload
"""

from __future__ import annotations

import hashlib
import tomllib
from datetime import UTC, datetime
from pathlib import Path

from core.exchange import protocol as p


class Root:
    """One root folder; what it reads from files is re-read when they change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._tokens: tuple[float, dict[str, str]] = (-1.0, {})
        self._file_cache: dict[tuple[str, int, int], tuple[str, int]] = {}

    def tokens(self) -> dict[str, str]:
        """token → lasdec, re-read when tokens.toml changes."""
        path = self.path / "tokens.toml"
        try:
            stamp = path.stat().st_mtime_ns
        except FileNotFoundError:
            return {}
        if stamp != self._tokens[0]:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
            table = raw.get("terminals", {})
            self._tokens = (stamp, {str(v["token"]): str(k) for k, v in table.items()})
        return self._tokens[1]

    def notice_dir(self, lasdec: str) -> Path:
        return self.path / lasdec / "moj"

    def received_dir(self, lasdec: str) -> Path:
        return self.path / lasdec / "received"

    def digest(self, path: Path) -> tuple[str, int]:
        """(sha256, records) of a notice file, cached by size and mtime."""
        st = path.stat()
        key = (str(path), st.st_size, st.st_mtime_ns)
        cached = self._file_cache.get(key)
        if cached is None:
            h = hashlib.sha256()
            lines = 0
            last = b"\n"
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    h.update(chunk)
                    lines += chunk.count(b"\n")
                    last = chunk[-1:]
            if last != b"\n":
                lines += 1
            cached = (h.hexdigest(), max(lines - 1, 0))
            self._file_cache[key] = cached
        return cached

    def notice_files(self, lasdec: str) -> list[p.NoticeFile]:
        """The listing entries of the files offered to ``lasdec``, by name."""
        folder = self.notice_dir(lasdec)
        if not folder.is_dir():
            return []
        out = []
        for path in sorted(folder.iterdir()):
            kind = p.kind_of_name(path.name)
            if kind is None or not path.is_file():
                continue
            sha, records = self.digest(path)
            st = path.stat()
            out.append(
                p.NoticeFile(
                    file_id=path.name.removesuffix(".csv"),
                    kind=kind,
                    name=path.name,
                    size=st.st_size,
                    sha256=sha,
                    records=records,
                    created=datetime.fromtimestamp(st.st_mtime, UTC).isoformat(timespec="seconds"),
                )
            )
        return out

    def find_notice(self, lasdec: str, file_id: str) -> Path | None:
        """The offered file ``file_id``, or None (also for an id that is no file name)."""
        if not p.FILE_ID_RE.match(file_id):
            return None
        path = self.notice_dir(lasdec) / f"{file_id}.csv"
        return path if path.is_file() and p.kind_of_name(path.name) else None
