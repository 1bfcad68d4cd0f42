"""The 未入力 list PDF for 10,000 rows: the product next to a bare fpdf2 loop.

Rows: ``core.reference.synth.waiting_entries`` (fixed seed). Product:
``core.pdf.document.render`` (coverage check of every character, fitting of
long names, header and warning section, fallback font only where needed).
Baseline, in the same run: a bare fpdf2 ``cell()`` loop over the same rows and
strings with the same fonts (IPAexGothic with Noto Sans CJK JP as fpdf2
fallback, which the rows need for 𠮷), one cell per column, page breaks, no
checks. Each variant runs in its own child process so that its peak memory
(max RSS) is its own; the best of ``REPEAT`` runs counts. Both make the PDF in
memory; nothing is written.

Run: ``python benchmarks/pdf.py [rows] [repeat]``.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.model import WaitingEntry  # noqa: E402

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 10_000
REPEAT = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2].isdigit() else 2


def rows(n: int) -> list[WaitingEntry]:
    """``n`` synthetic certificates (``core.reference.synth``, fixed seed): Latin names up to
    70 letters, 𠮷 in about one name in twelve."""
    from core.reference.synth import waiting_entries

    return waiting_entries(count=n, seed=2026)


def product(entries: list[WaitingEntry]) -> int:
    from core.pdf.document import ListHeader, render

    header = ListHeader("千代田区", "131016", datetime(2026, 11, 21, 9, 0))
    return len(render(entries, header).data)


def bare(entries: list[WaitingEntry]) -> int:
    from fpdf import FPDF

    from core.pdf.fonts import locate_all

    primary, fallback = locate_all()
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("primary", "", str(primary.path), collection_font_number=primary.index)
    pdf.add_font("fallback", "", str(fallback.path), collection_font_number=fallback.index)
    pdf.set_fallback_fonts(["fallback"])
    pdf.set_font("primary", size=9)
    widths = (12, 33, 62, 42, 22, 10, 22, 44, 30)
    pdf.add_page()
    for number, e in enumerate(entries, start=1):
        if pdf.get_y() + 8.0 > 195:
            pdf.add_page()
        values = (str(number), e.card_number, e.name_alpha, e.name_kanji,
                  e.birth_date.isoformat(), "男" if e.sex_code == "1" else "女",
                  e.card_made_date.isoformat(), "", e.application_text)  # fmt: skip
        for w, value in zip(widths, values, strict=True):
            pdf.cell(w, 8.0, value, border=1)
        pdf.ln(8.0)
    return len(bytes(pdf.output()))


def child(kind: str) -> None:
    entries = rows(ROWS)
    started = time.perf_counter()
    size = (product if kind == "product" else bare)(entries)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mib": peak, "bytes": size}))


def run(kind: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, str(ROWS), "1", "--child", kind],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if "--child" in sys.argv:
        child(sys.argv[sys.argv.index("--child") + 1])
        return
    best: dict[str, dict[str, float]] = {}
    for _ in range(REPEAT):
        for kind in ("bare", "product"):  # alternate, so load on the machine hits both
            result = run(kind)
            if kind not in best or result["seconds"] < best[kind]["seconds"]:
                best[kind] = result
    print(f"rows: {ROWS}, best of {REPEAT}")
    for kind, label in (("bare", "bare fpdf2 cell() loop"), ("product", "renkei list PDF")):
        r = best[kind]
        print(f"  {label:24s} {r['seconds']:7.2f} s  {ROWS / r['seconds']:8.0f} rows/s"
              f"  peak RSS {r['peak_mib']:6.1f} MiB  {r['bytes'] / 1e6:6.2f} MB")  # fmt: skip
    ratio = best["product"]["seconds"] / best["bare"]["seconds"]
    mem = best["product"]["peak_mib"] / best["bare"]["peak_mib"]
    print(f"  ratio product/bare: time {ratio:.2f}x (target <= 1.30x), memory {mem:.2f}x")


if __name__ == "__main__":
    main()
