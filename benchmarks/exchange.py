"""Records/s of fetch + store + list over loopback TLS, next to a bare httpx download.

The reference server (``core.reference``, real HTTPS on 127.0.0.1) offers
one synthetic certificate-notice file of 50,000 records. Measured in one run:

- baseline: ``httpx`` streams the file and throws it away (TLS, same server);
- renkei: ``Session.fetch`` (list, download encrypted as it streams, verify
  SHA-256, store atomically, seal every record into the 未入力 table, receipt)
  followed by ``Session.waiting()`` (decrypt and index the whole list), and
  the bytes the fetch wrote (``/proc/self/io``: the file's encrypted copy, the
  database's write-ahead log and its checkpoint);
- entries and their send: ``Session.enter`` one at a time (each its own
  transaction with its audit entry), then ``Session.send`` of all of them;
- the server's bandwidth throttle: a download through it as a fraction of the
  set rate.

Run: ``python benchmarks/exchange.py [records] [throttle_bytes_per_second]``.
"""

from __future__ import annotations

import ssl
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx
from timing import verdict

from core.exchange.client import Client
from core.session import unlock
from tests.support.linkage import (
    PASSPHRASE,
    LinkageServer,
    Sleeps,
    make_terminal,
    spr_file,
    spr_records,
)

RECORDS = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
THROTTLE = int(sys.argv[2]) if len(sys.argv) > 2 else 2_000_000
ENTRIES = 200
TARGET = 1.0  # issue #19: fetch + store + list of 50,000 records, seconds


def written() -> int:
    """Bytes this process has written so far (Linux ``/proc/self/io`` wchar; -1 elsewhere)."""
    try:
        text = Path("/proc/self/io").read_text()
    except OSError:
        return -1
    return next(int(line.split()[1]) for line in text.splitlines() if line.startswith("wchar"))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        server = LinkageServer(root / "server").start()
        try:
            body = spr_file(spr_records(RECORDS))
            name = "spr-131041-20261121-0001.csv"
            server.put_notice(name, body)
            print(f"file: {RECORDS} records, {len(body) / 1e6:.1f} MB, TLS on loopback")

            ctx = ssl.create_default_context(cafile=str(server.ca))
            headers = {"Authorization": f"Bearer {server.token}"}
            with httpx.Client(base_url=server.url, verify=ctx, headers=headers) as bare:
                bare.get("/v1/time")  # warm the connection path
                start = time.perf_counter()
                got = 0
                with bare.stream("GET", f"/v1/moj-notices/{name.removesuffix('.csv')}") as r:
                    for chunk in r.iter_bytes():
                        got += len(chunk)
                base = time.perf_counter() - start
            assert got == len(body)
            print(f"baseline bare httpx download: {base:.2f} s, {RECORDS / base:,.0f} records/s")

            data = make_terminal(root / "terminal", server)
            with unlock(data, PASSPHRASE, sleep=Sleeps()) as t:
                wrote = written()
                start, cpu = time.perf_counter(), time.process_time()
                result = t.fetch()
                fetched = time.perf_counter() - start
                wrote = written() - wrote
                waiting = t.waiting()
                total = time.perf_counter() - start
                cpu = time.process_time() - cpu  # (with the server thread's share)
                # entries and one send: each entry is a transaction (and an audit
                # entry), the send takes the step lock, builds, posts, records
                start = time.perf_counter()
                for n in range(ENTRIES):
                    t.enter(f"AB{n:08d}CD", date(2024, 5, 1))
                entered = time.perf_counter() - start
                start = time.perf_counter()
                sent = t.send()
                send_took = time.perf_counter() - start
            assert result.waiting_added == RECORDS and len(waiting) == RECORDS
            assert sent.accepted == ENTRIES
            print(
                f"renkei fetch+store: {fetched:.2f} s; + list: {total:.2f} s "
                f"(list alone {total - fetched:.2f} s), {RECORDS / total:,.0f} records/s"
            )
            print(f"ratio (renkei fetch+store+list / bare download time): {total / base:.1f}x")
            if written() >= 0:
                print(
                    f"bytes written by the fetch: {wrote / 1e6:.1f} MB for the"
                    f" {len(body) / 1e6:.1f} MB file (its encrypted copy, the database's"
                    " write-ahead log and the checkpoint into it)"
                )
            print(f"(CPU time of this process meanwhile, server thread included: {cpu:.2f} s)")
            print(
                f"{'fetch + store + list, ' + f'{RECORDS:,} records':40s} {total:6.2f} s   "
                f"target (#19, 50,000 records) <= {TARGET:.1f} s "
                f"{verdict(total <= TARGET)}; baseline (bare download, same run) {base:.2f} s"
            )
            print(
                f"renkei enter: {ENTRIES} entries in {entered:.2f} s "
                f"({entered / ENTRIES * 1000:.1f} ms each); send of {ENTRIES}: {send_took:.2f} s"
            )

            server.faults(
                {
                    "match": "GET /v1/moj-notices/*",
                    "action": "throttle",
                    "bytes_per_second": THROTTLE,
                }
            )
            size = min(len(body), THROTTLE * 4)
            small = body[:size]
            server.put_notice("moj-131041-20261121-0002.csv", small)
            with Client(server.settings(), sleep=Sleeps()) as c:
                item = next(f for f in c.list_notices() if f.name.startswith("moj-"))
                start = time.perf_counter()
                c.download(item, lambda _chunk: None)
                took = time.perf_counter() - start
            rate = size / took
            print(
                f"throttle set {THROTTLE / 1e6:.2f} MB/s: measured {rate / 1e6:.2f} MB/s "
                f"= {rate / THROTTLE:.2f} of the set bandwidth "
                f"({size / 1e6:.1f} MB in {took:.2f} s)"
            )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
