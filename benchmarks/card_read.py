"""Seconds for a whole chip read through the real PC/SC stack, next to the bare
APDU round trips it is made of.

pcscd + vpcd + a card simulator — the test suite's own (``cardsim``, gen1/gen2) and
the independent one written from the public specification (``zairyu_sim``: both
generations, residence card and SPR certificate) — with the test CA installed, so
the signature is checked too. The baseline, in the same run on the same stack, is
the same number of bare GET CHALLENGE round trips: the ratio says how much the
product adds to the transport (secure messaging, TLV, the signature). The CPU side
alone is measured with the simulator called directly (no PC/SC).
Run as root: ``python benchmarks/card_read.py [reads]``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.card import apdu, genuine, residence
from core.card.reader import Context
from tests.support.cardsim.direct import Direct
from tests.support.cardsim.holders import HOLDERS, gen1_card, gen2_card, sim_ca
from tests.support.cardsim.stack import READER, stack
from tests.support.zairyu_sim import issue

READS = int(sys.argv[1]) if len(sys.argv) > 1 else 10


def _cards() -> list[tuple[str, str, Callable[[], Any]]]:
    """(label, number, make a fresh card)."""
    out: list[tuple[str, str, Callable[[], Any]]] = [
        ("cardsim gen1", HOLDERS["gen1"].number, lambda: gen1_card(HOLDERS["gen1"])),
        ("cardsim gen2", HOLDERS["gen2"].number, lambda: gen2_card(HOLDERS["gen2"])),
    ]
    for name in ("gen1_residence", "gen1_spr", "gen2_residence", "gen2_spr"):
        person = issue.PEOPLE[name]
        out.append((f"zairyu_sim {name}", person.number, lambda n=name: issue.card(n)[1]))
    return out


def _log(card: Any) -> list[bytes]:
    return card.commands if hasattr(card, "commands") else card.log


def main() -> None:
    trust = Path(tempfile.mkdtemp()) / "moj-ca"
    sim_ca().install(trust)
    for generation in (1, 2):
        (trust / f"zs-{generation}.pem").write_bytes(issue.authority(generation).ca_pem())
    anchors = genuine.load_anchors(trust)
    s = stack()
    try:
        for label, number, make in _cards():
            card = make()
            assert s.vcard is not None
            s.vcard.insert(card)
            s.wait_card(True)
            times, apdus = [], 0
            for _ in range(READS):
                before = len(_log(card))
                t0 = time.perf_counter()
                chip = residence.read_with_reader(number, reader=READER, trust=trust)
                times.append(time.perf_counter() - t0)
                apdus = len(_log(card)) - before
                assert chip.genuineness.genuine, chip.genuineness
            base = []
            with Context() as ctx, ctx.connect(READER) as conn:
                for _ in range(READS):
                    t0 = time.perf_counter()
                    for _ in range(apdus):
                        conn.transmit(apdu.get_challenge())
                    base.append(time.perf_counter() - t0)
            cpu = []
            for sim in [make() for _ in range(READS)]:
                t0 = time.perf_counter()
                residence.read_card(Direct(sim), number, anchors)
                cpu.append(time.perf_counter() - t0)
            read, bare = statistics.median(times), statistics.median(base)
            print(
                f"{label:26}: whole read {read * 1000:7.1f} ms ({apdus} APDUs) | "
                f"baseline {apdus} bare APDUs {bare * 1000:7.1f} ms | "
                f"ratio {read / bare:4.2f} | "
                f"CPU only {statistics.median(cpu) * 1000:6.1f} ms"
            )
            s.vcard.remove()
            s.wait_card(False)
    finally:
        s.stop()


if __name__ == "__main__":
    main()
