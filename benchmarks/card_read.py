"""Seconds for a whole chip read through the real PC/SC stack, next to the bare
APDU round trips it is made of.

pcscd + vpcd + the test suite's card simulator (first and second generation,
test CA installed, so the signature is checked too). The baseline, in the same
run on the same stack, is the same number of bare GET CHALLENGE round trips:
the ratio says how much the product adds to the transport (secure messaging,
TLV, the signature). The CPU side alone is measured with the simulator called
directly (no PC/SC). Run as root: ``python benchmarks/card_read.py [reads]``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.card import apdu, genuine, residence
from core.card.reader import Context
from tests.support.cardsim.direct import Direct
from tests.support.cardsim.holders import HOLDERS, gen1_card, gen2_card, sim_ca
from tests.support.cardsim.stack import READER, stack

READS = int(sys.argv[1]) if len(sys.argv) > 1 else 10


def main() -> None:
    trust = Path(tempfile.mkdtemp()) / "moj-ca"
    sim_ca().install(trust)
    anchors = genuine.load_anchors(trust)
    s = stack()
    try:
        for label, make, holder in (
            ("gen1", gen1_card, HOLDERS["gen1"]),
            ("gen2", gen2_card, HOLDERS["gen2"]),
        ):
            card = make(holder)
            assert s.vcard is not None
            s.vcard.insert(card)
            s.wait_card(True)
            times, apdus = [], 0
            for _ in range(READS):
                before = len(card.commands)
                t0 = time.perf_counter()
                chip = residence.read_with_reader(holder.number, reader=READER, trust=trust)
                times.append(time.perf_counter() - t0)
                apdus = len(card.commands) - before
                assert chip.genuineness.genuine
            base = []
            with Context() as ctx, ctx.connect(READER) as conn:
                for _ in range(READS):
                    t0 = time.perf_counter()
                    for _ in range(apdus):
                        conn.transmit(apdu.get_challenge())
                    base.append(time.perf_counter() - t0)
            cpu = []
            for sim in [make(holder) for _ in range(READS)]:
                t0 = time.perf_counter()
                residence.read_card(Direct(sim), holder.number, anchors)
                cpu.append(time.perf_counter() - t0)
            read, bare = statistics.median(times), statistics.median(base)
            print(
                f"{label}: whole read {read * 1000:7.1f} ms ({apdus} APDUs) | "
                f"baseline {apdus} bare APDUs {bare * 1000:7.1f} ms | "
                f"ratio {read / bare:4.2f} | "
                f"CPU only (simulator called directly) "
                f"{statistics.median(cpu) * 1000:6.1f} ms"
            )
            s.vcard.remove()
            s.wait_card(False)
    finally:
        s.stop()


if __name__ == "__main__":
    main()
