"""Records/s of the import folder: one ``juki-sjis`` municipal notice file of
20,000 records taken by ``boundary.sync`` (checksum, decode, data check, every
record sealed into the send queue in one transaction, report, move), next to
``formats.read`` of the same records as UTF-8 (parse + data check only) in the
same run. The ratio says what decoding, sealing and queueing add to the check.
Run: ``python benchmarks/boundary.py [records]``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import boundary, charset, formats
from core import config as config_mod
from core.config import Config, TerminalSettings
from core.datadir.unlock import init_vault
from core.reference import synth
from core.session import unlock

RECORDS = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
LASDEC = "131041"
PASSPHRASE = "benchmark passphrase 1"


def fit(value: str) -> str:
    return "".join(c if c.encode("cp932", "ignore") else "山" for c in value)


def main() -> None:
    recs = [{k: fit(v) for k, v in r.items()} for r in synth.muni_records(LASDEC, RECORDS, 1)]
    utf8 = formats.write("muni", recs)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = root / "terminal"
        config = Config(terminal=TerminalSettings(lasdec=LASDEC, terminal_id="bench"))
        init_vault(data, PASSPHRASE, cost="low", config=config).close()
        inbox = root / "from-juki"
        inbox.mkdir()
        config = config_mod.load(data)
        config.boundary = dataclasses.replace(
            config.boundary, linkage="line", encoding="juki-sjis", import_dir=str(inbox)
        )
        config_mod.save(data, config)
        raw = charset.encode_file(utf8.decode("utf-8"), charset.load_tables(data).codec, "b")
        print(f"file: {RECORDS:,} municipal notice records, {len(raw) / 1e6:.1f} MB juki-sjis")

        start = time.perf_counter()
        parsed = formats.read("muni", utf8, lasdec=LASDEC)
        base = time.perf_counter() - start
        assert parsed.ok and len(parsed.records) == RECORDS

        (inbox / "bench.csv").write_bytes(raw)
        digest = hashlib.sha256(raw).hexdigest()
        (inbox / "bench.csv.sha256").write_text(f"{digest}  bench.csv\n", encoding="ascii")
        with unlock(data, PASSPHRASE) as terminal:
            start = time.perf_counter()
            result = boundary.sync(terminal.vault)
            took = time.perf_counter() - start
        assert result.queued_records == RECORDS, result
    print(
        f"baseline formats.read (UTF-8, check): {RECORDS / base:>10,.0f} records/s ({base:.2f} s)"
    )
    print(
        f"boundary.sync import (juki-sjis):     {RECORDS / took:>10,.0f} records/s ({took:.2f} s)"
    )
    print(f"ratio sync / baseline time: {took / base:.1f}x")


if __name__ == "__main__":
    main()
