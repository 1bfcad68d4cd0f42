"""Envelope throughput and memory next to raw AES-GCM on the same bytes.

    python benchmarks/vault.py [--mb 200] [--chunk 262144]

Each phase runs in its own process so its peak RSS (``ru_maxrss``) is its own;
tracemalloc's peak shows the Python allocations. The baseline is one
``AESGCM.encrypt``/``decrypt`` over the whole file held in memory, with the
same file reading and durable write (``write_atomic``) as the envelope, in
the same run on the same bytes. The envelope should stay within 1.25x of it
(time), while its memory stays at a chunk instead of twice the file. A
second baseline encrypts the same chunks with bare AES-GCM (counter nonces,
no header, HKDF or last flag): the cost of the envelope's framing alone.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402

from core.durable import AtomicFile, write_atomic  # noqa: E402
from core.vault import envelope  # noqa: E402
from core.vault.keys import DataKey, Keyring  # noqa: E402

NONCE = bytes(12)


def _phase(name: str, work: Path, key: DataKey, chunk: int) -> dict[str, float]:
    src, enc, raw = work / "plain.bin", work / "plain.enc", work / "plain.raw"
    ring = Keyring([key], key.key_id)
    tracemalloc.start()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    if name == "envelope-encrypt":
        envelope.encrypt_file(src, enc, key, chunk)
    elif name == "raw-encrypt":
        data = src.read_bytes()
        write_atomic(raw, AESGCM(key.secret).encrypt(NONCE, data, None))
    elif name == "raw-chunked-encrypt":  # the same chunks, no envelope framing at all
        aead = AESGCM(key.secret)
        with open(src, "rb") as source, AtomicFile(raw.with_suffix(".chunks")) as out:
            n = 0
            while piece := source.read(chunk):
                out.write(aead.encrypt(n.to_bytes(12, "big"), piece, None))
                n += 1
    elif name == "raw-chunked-decrypt":
        aead = AESGCM(key.secret)
        total = n = 0
        with open(raw.with_suffix(".chunks"), "rb") as source:
            while block := source.read(chunk + 16):
                total += len(aead.decrypt(n.to_bytes(12, "big"), block, None))
                n += 1
        assert total == src.stat().st_size
    elif name == "envelope-decrypt":
        total = sum(len(c) for c in envelope.iter_decrypt(enc, ring))
        assert total == src.stat().st_size
    elif name == "raw-decrypt":
        plain = AESGCM(key.secret).decrypt(NONCE, raw.read_bytes(), None)
        assert len(plain) == src.stat().st_size
    else:
        raise SystemExit(f"unknown phase {name}")
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu0
    _, py_peak = tracemalloc.get_traced_memory()
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": seconds, "cpu": cpu, "py_peak_mb": py_peak / 2**20, "rss_mb": rss_kb / 1024}


def _in_memory(mb: int, chunk: int, rounds: int) -> None:
    """Crypto and framing only (no disk): envelope vs bare chunks vs one call."""
    data = os.urandom(mb * 2**20)
    key = DataKey.generate()
    aead = AESGCM(key.secret)
    view = memoryview(data)

    def env() -> None:
        enc = envelope.EnvelopeEncryptor(key, chunk)
        for i in range(0, len(data), chunk):
            for _ in enc.update(view[i : i + chunk]):
                pass
        enc.finish()

    def bare() -> None:
        for n, i in enumerate(range(0, len(data), chunk)):
            aead.encrypt(n.to_bytes(12, "big"), view[i : i + chunk], None)

    def one() -> None:
        aead.encrypt(NONCE, data, None)

    best = {}
    for name, fn in (("envelope", env), ("bare chunks", bare), ("one call", one)):
        times = []
        for _ in range(rounds):
            t0 = time.process_time()
            fn()
            times.append(time.process_time() - t0)
        best[name] = min(times)
    print(
        f"in memory, encrypt {mb} MB (CPU s, best of {rounds}): "
        + ", ".join(f"{k} {v:.3f}" for k, v in best.items())
        + f"; envelope / one call = {best['envelope'] / best['one call']:.2f}x"
        + f", envelope / bare chunks = {best['envelope'] / best['bare chunks']:.2f}x"
    )


def _run_phase(name: str, work: Path, key: DataKey, chunk: int) -> dict[str, float]:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase",
            name,
            "--work",
            str(work),
            "--key",
            key.key_id.hex() + key.secret.hex(),
            "--chunk",
            str(chunk),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200)
    parser.add_argument("--chunk", type=int, default=envelope.DEFAULT_CHUNK)
    parser.add_argument("--rounds", type=int, default=3, help="best of N per phase")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        raw_key = bytes.fromhex(args.key)
        key = DataKey(raw_key[:8], raw_key[8:])
        print(json.dumps(_phase(args.phase, Path(args.work), key, args.chunk)))
        return

    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        work = Path(tmp)
        size = args.mb * 2**20
        with open(work / "plain.bin", "wb") as out:
            for _ in range(args.mb):
                out.write(os.urandom(2**20))
        key = DataKey.generate()
        results: dict[str, dict[str, float]] = {}
        phases = (
            "envelope-encrypt",
            "raw-encrypt",
            "raw-chunked-encrypt",
            "envelope-decrypt",
            "raw-decrypt",
            "raw-chunked-decrypt",
        )
        for _ in range(args.rounds):  # rounds interleaved, so load spikes hit all phases
            for name in phases:
                run = _run_phase(name, work, key, args.chunk)
                if name not in results or run["seconds"] < results[name]["seconds"]:
                    results[name] = run
        print(
            f"vault envelope benchmark: {args.mb} MB random file, chunk {args.chunk} B, "
            f"best of {args.rounds}"
        )
        print(
            f"{'phase':<22}{'seconds':>9}{'CPU s':>8}{'MB/s':>9}{'peak RSS MB':>13}"
            f"{'py peak MB':>12}"
        )
        for name, r in results.items():
            rate = size / 2**20 / r["seconds"]
            print(
                f"{name:<22}{r['seconds']:>9.3f}{r['cpu']:>8.3f}{rate:>9.0f}"
                f"{r['rss_mb']:>13.1f}{r['py_peak_mb']:>12.1f}"
            )
        for op in ("encrypt", "decrypt"):
            ratio = results[f"envelope-{op}"]["seconds"] / results[f"raw-{op}"]["seconds"]
            verdict = "ok" if ratio <= 1.25 else "OVER the 1.25x target"
            chunked = results[f"envelope-{op}"]["cpu"] / results[f"raw-chunked-{op}"]["cpu"]
            print(
                f"{op}: envelope / raw AES-GCM (one call) = {ratio:.2f}x ({verdict}); "
                f"CPU time envelope / bare same chunks = {chunked:.2f}x; memory "
                f"{results[f'envelope-{op}']['rss_mb']:.0f} MB vs "
                f"{results[f'raw-{op}']['rss_mb']:.0f} MB peak RSS"
            )
    _in_memory(min(args.mb, 100), args.chunk, args.rounds)


if __name__ == "__main__":
    main()
