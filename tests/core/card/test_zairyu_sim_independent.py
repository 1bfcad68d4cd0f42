"""The second simulator (``tests/support/zairyu_sim``) is written from the public
specification alone: it must never import the product."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_zairyu_sim_imports_nothing_of_core() -> None:
    import tests.support.zairyu_sim as pkg

    names = [m.name for m in pkgutil.walk_packages(pkg.__path__, "tests.support.zairyu_sim.")]
    assert {"tests.support.zairyu_sim.card", "tests.support.zairyu_sim.issue"} <= set(names)
    code = (
        "import importlib, sys\n"
        f"for n in {names!r}: importlib.import_module(n)\n"
        "print(sorted(m for m in sys.modules if m == 'core' or m.startswith('core.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_zairyu_sim_crypto_agrees_with_the_appendix_vectors() -> None:
    """001460711.pdf appendix 2, as quoted by zairyu-card-reader
    docs/specs/moj/rc2_second_generation_implementation_spec.md "Official crypto test
    vectors": the simulator's own crypto gives the same bytes."""
    from tests.support.zairyu_sim import crypto

    h = bytes.fromhex
    key = crypto.base_key("AA12345678BB")
    assert key == h("6522B4E171195BB218223A976C040111")
    rnd_ifd, k_ifd, rnd_icc = (
        h("1122334455667788"),
        h("404142434445464748494A4B4C4D4E4F"),
        h("921CE277323DA057"),
    )
    e_ifd = crypto.encrypt(2, key, rnd_ifd + rnd_icc + k_ifd)
    assert e_ifd == h("4AD3C7B6BB484A52771977DED618B41DF841FA0476A05FBE041DEAD6109E773B")
    assert crypto.mac(2, key, e_ifd) == h("AC854617634F5397")
    e_icc = h("289A96B1DA6AE3DA87770419BFD14F0BDAD15F36432B5A946C188C7221759A62")
    assert crypto.mac(2, key, e_icc) == h("FA942EC51E62FF5F")
    plain = crypto.decrypt(2, key, e_icc)
    assert plain[:16] == rnd_icc + rnd_ifd
    ks = crypto.session_key(k_ifd, plain[16:])
    assert ks == h("C19CF13D3D7FBEE9EA293D834C88952F")
    verify = crypto.encrypt(2, ks, crypto.iso_pad(b"AA12345678BB", 16))
    assert verify == h("EE0B31EF877F68D071C56D58C72E6748")
