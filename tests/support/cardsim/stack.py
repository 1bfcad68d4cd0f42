"""The real PC/SC stack for the tests: Debian's pcscd with vsmartcard's vpcd driver.

One pcscd per test process, on its own TCP port and — where the kernel lets us
(root in a private mount namespace via ``unshare -m``) — its own socket, so a
test run never touches a pcscd the machine already runs, nor another test run's.
Clients find it through ``PCSCLITE_CSOCK_NAME`` (read by libpcsclite once per
process: the variable is set before the first context is made). If pcscd cannot
start, the tests fail saying why; they are never skipped.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.support.cardsim.vpcd import VirtualCard

READER = "Virtual PCD 00 00"
DRIVER_GLOBS = (
    "/usr/lib/pcsc/drivers/serial/libifdvpcd.so",
    "/usr/lib*/pcsc/drivers/**/libifdvpcd.so",
)


def _driver() -> Path | None:
    for pattern in DRIVER_GLOBS:
        for path in Path("/").glob(pattern.lstrip("/")):
            return path
    return None


def _free_port_pair() -> int:
    """vpcd listens on CHANNELID and CHANNELID+1 (two slots): find both free."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port >= 65535:
            continue
        try:
            with socket.socket() as s2:
                s2.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no free TCP port pair for vpcd")


class PcscStack:
    """pcscd with the vpcd reader — or, with ``with_reader=False``, with no reader
    at all (its socket is then only handed to subprocesses through :meth:`env`)."""

    def __init__(self, with_reader: bool = True) -> None:
        self.with_reader = with_reader
        self.dir = Path(tempfile.mkdtemp(prefix="renkei-pcsc-"))
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.socket = ""
        self.vcard: VirtualCard | None = None

    def _fail(self, why: str) -> None:
        log = self.dir / "pcscd.log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        self.stop()
        pytest.fail(f"the PC/SC test stack could not start: {why}\n{tail}", pytrace=False)

    def start(self) -> None:
        pcscd = shutil.which("pcscd") or (
            "/usr/sbin/pcscd" if Path("/usr/sbin/pcscd").exists() else None
        )
        driver = _driver()
        if pcscd is None:
            self._fail("pcscd is not installed (apt-get install pcscd vsmartcard-vpcd)")
        if driver is None:
            self._fail("the vpcd driver libifdvpcd.so is missing (apt-get install vsmartcard-vpcd)")
        self.port = _free_port_pair()
        conf = self.dir / "reader.conf.d"
        conf.mkdir()
        if self.with_reader:
            (conf / "vpcd").write_text(
                f'FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:0x{self.port:X}\n'
                f"LIBPATH {driver}\nCHANNELID 0x{self.port:X}\n"
            )
        run = self.dir / "run"
        run.mkdir()
        private = (
            shutil.which("unshare") is not None
            and subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0
        )
        if private:
            script = (
                f"mkdir -p /run/pcscd && mount --bind {run} /run/pcscd && exec {pcscd} -f -c {conf}"
            )
            cmd = ["unshare", "-m", "sh", "-c", script]
            self.socket = str(run / "pcscd.comm")
        else:  # no private namespace: the system location
            self.socket = "/run/pcscd/pcscd.comm"
            if Path(self.socket).exists():
                self._use_system_pcscd()
                return
            cmd = [pcscd, "-f", "-c", str(conf)]
        log = open(self.dir / "pcscd.log", "wb")
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        if self.with_reader:
            os.environ["PCSCLITE_CSOCK_NAME"] = self.socket
        deadline = time.monotonic() + 15
        while not Path(self.socket).exists():
            if self.proc.poll() is not None:
                self._fail(f"pcscd exited with code {self.proc.returncode}")
            if time.monotonic() > deadline:
                self._fail("pcscd did not open its socket within 15 s")
            time.sleep(0.05)
        atexit.register(self.stop)
        if self.with_reader:
            self.vcard = VirtualCard(self.port)
            self._wait_reader(deadline)

    def _use_system_pcscd(self) -> None:
        """The machine's own pcscd (e.g. socket-activated by systemd) already owns the
        socket: use it with Debian's vpcd entry (/etc/reader.conf.d/vpcd)."""
        if not self.with_reader:
            self._fail("a system pcscd owns the socket: a reader-less pcscd cannot be started")
        entry = Path("/etc/reader.conf.d/vpcd")
        text = entry.read_text() if entry.exists() else ""
        found = re.search(r"^\s*CHANNELID\s+(0x[0-9A-Fa-f]+|\d+)", text, re.M)
        if found is None:
            self._fail("a system pcscd is running but /etc/reader.conf.d/vpcd has no CHANNELID")
        self.port = int(found.group(1), 0)
        os.environ["PCSCLITE_CSOCK_NAME"] = self.socket
        self.vcard = VirtualCard(self.port)
        self._wait_reader(time.monotonic() + 15)
        atexit.register(self.stop)

    def _wait_reader(self, deadline: float) -> None:
        from core.card.reader import Context

        while True:
            try:
                with Context() as ctx:
                    if READER in ctx.reader_names():
                        return
            except Exception as exc:  # not up yet
                last = exc
            else:
                last = None
            if time.monotonic() > deadline:
                self._fail(f"the virtual reader did not appear ({last})")
            time.sleep(0.1)

    def env(self, base: dict[str, str]) -> dict[str, str]:
        env = dict(base)
        env["PCSCLITE_CSOCK_NAME"] = self.socket
        return env

    def wait_card(self, present: bool, timeout: float = 10.0) -> None:
        from core.card.reader import Context

        with Context() as ctx:
            if not ctx.wait(READER, present, timeout):
                what = "placed" if present else "removed"
                raise AssertionError(f"pcscd did not see the card {what}")

    def stop(self) -> None:
        if self.vcard is not None:
            self.vcard.remove()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        shutil.rmtree(self.dir, ignore_errors=True)


_STACK: PcscStack | None = None


def stack() -> PcscStack:
    """The process's one PC/SC stack, started on first use."""
    global _STACK
    if _STACK is None:
        _STACK = PcscStack()
        _STACK.start()
    return _STACK
