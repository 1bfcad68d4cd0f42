"""A day at the terminal as two operators, from the command line as over SSH:
every audit entry names its operator, kind and terminal and holds no personal
value; two entries for one certificate are never merged silently; the signed
export verifies with OpenSSL (a verifier this project did not write).

Expected kinds are the seven log kinds of 住民記録システム標準仕様書 10.2; the
personal values scanned for are the synthetic notices the server served.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from core.datadir.unlock import open_vault
from core.store.audit import kinds
from tests.support.linkage import LinkageServer, linkage_server, spr_file, spr_records

__all__ = ["linkage_server"]

ADMIN, CLERK = "kanri", "hanako"
ADMIN_PW, CLERK_PW = "admin passphrase 1", "clerk passphrase 1"
SSH = "192.0.2.44 50522 22"  # TEST-NET-1 (RFC 5737)


@pytest.fixture
def day(renkei_cmd: list[str], cli_env: dict[str, str], tmp_path: Path):  # type: ignore[no-untyped-def]
    data = tmp_path / "terminal"

    def run(who: str, *args: str, ok: bool = True, **env_extra: str):  # type: ignore[no-untyped-def]
        env = dict(
            cli_env,
            RENKEI_USER=who,
            RENKEI_PASSPHRASE=ADMIN_PW if who == ADMIN else CLERK_PW,
            RENKEI_UNLOCK_DELAY="0",
        )
        env.update(env_extra)
        if who == CLERK:
            env["SSH_CLIENT"] = SSH
        else:
            env.pop("SSH_CLIENT", None)
        done = subprocess.run(
            [*renkei_cmd, *args, "--data", str(data), "--lang", "en"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
        if ok:
            assert done.returncode == 0, (args, done.stderr)
        return done

    return data, run


def _needles(records: list[dict[str, str]]) -> list[str]:
    out = []
    for r in records:
        out += [r["card_number"], r["name_alpha"], r["name_kanji"], r["birth_date"], r["address"]]
    return out


def test_a_day_as_two_operators(day, linkage_server: LinkageServer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data, run = day
    records = spr_records(5)
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(records))
    run(
        ADMIN,
        "init",
        "--lasdec",
        "131041",
        "--server",
        linkage_server.url,
        "--ca",
        str(linkage_server.ca),
        "--token",
        linkage_server.token,
        "--kdf-cost",
        "low",
    )
    run(ADMIN, "user", "add", CLERK, "--role", "clerk", RENKEI_NEW_PASSPHRASE="clerk initial 1")
    first = run(CLERK, "list", ok=False, RENKEI_PASSPHRASE="clerk initial 1")
    assert first.returncode == 3 and "renkei passwd" in first.stderr
    run(CLERK, "passwd", RENKEI_PASSPHRASE="clerk initial 1", RENKEI_NEW_PASSPHRASE=CLERK_PW)
    run(CLERK, "fetch")
    run(CLERK, "list")
    run(CLERK, "enter", "AB00000001CD", "2024-05-01")
    # the admin enters another date for the same certificate: told who, what, when
    clash = run(ADMIN, "enter", "AB00000001CD", "2024-05-02", ok=False)
    assert clash.returncode == 1
    assert CLERK in clash.stderr and "2024-05-01" in clash.stderr and "--replace" in clash.stderr
    run(ADMIN, "enter", "AB00000001CD", "2024-05-02", "--replace")
    run(CLERK, "enter", "AB00000002CD", "2024-05-03")
    run(CLERK, "pdf", "--out", str(tmp_path / "list.pdf"))
    run(CLERK, "send")
    # a correction after send needs a supervisor
    late = run(CLERK, "enter", "AB00000002CD", "2024-05-04", ok=False)
    assert late.returncode == 6 and "supervisor" in late.stderr
    run(CLERK, "rekey", ok=False)  # refused: admin only
    # a target is searched by its reference (under the current data key: entries
    # made before a rekey name it under the retired key, README "Audit trail")
    shown = run(ADMIN, "audit", "show", "--json", "--target", "AB00000001CD").stdout
    target = [json.loads(line) for line in shown.splitlines()]
    assert {e["action"] for e in target} == {"exchange.entry", "exchange.conflict"}
    assert "AB00000001CD" not in shown
    run(ADMIN, "rekey")  # the chain must verify across the key change
    run(ADMIN, "audit", "verify")

    shown = run(ADMIN, "audit", "show", "--json").stdout
    entries = [json.loads(line) for line in shown.splitlines()]
    assert len(entries) > 20
    for e in entries:
        assert e["actor"] in (ADMIN, CLERK), e
        assert e["kind"] in kinds(), e
        assert e["terminal"], e
        if e["actor"] == CLERK:
            assert e["terminal"].startswith("ssh:192.0.2.44"), e
    seen_kinds = {e["kind"] for e in entries}
    assert {"操作", "ログイン", "通信", "印刷", "設定変更"} <= seen_kinds, seen_kinds
    assert any(e["action"] == "exchange.conflict" and e["actor"] == ADMIN for e in entries)

    # no personal value anywhere in the log: the scan, and its planted control
    needles = _needles(records)
    assert not [n for n in needles if n in shown]
    with open_vault(data, ADMIN_PW, operator=ADMIN, delay_base=0.0) as vault:
        vault.audit.append("test.control", detail=f"planted {records[3]['name_kanji']}")
        planted = "\n".join(json.dumps(e.__dict__, default=str, ensure_ascii=False)
                            for e in vault.audit.entries())  # fmt: skip
    assert [n for n in needles if n in planted] == [records[3]["name_kanji"]]

    # search: by operator, kind, time
    def search(*args: str) -> list[dict[str, str]]:
        out = run(ADMIN, "audit", "show", "--json", *args).stdout
        return [json.loads(line) for line in out.splitlines()]

    assert {e["actor"] for e in search("--operator", CLERK)} == {CLERK}
    assert {e["action"] for e in search("--kind", "通信")} >= {"exchange.fetch", "exchange.send"}
    assert search("--until", "2000-01-01") == []
    assert len(search("--since", entries[0]["at"])) >= len(entries)
    bad = run(ADMIN, "audit", "show", "--kind", "nonsense", ok=False)
    assert bad.returncode == 1 and "操作" in bad.stderr


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")
def test_the_signed_export_verifies_with_openssl(day, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data, run = day
    run(ADMIN, "init", "--kdf-cost", "low")
    out = tmp_path / "export" / "audit.jsonl"
    out.parent.mkdir()
    done = run(ADMIN, "audit", "export", str(out))
    assert "SHA-256 fingerprint" in done.stdout

    def verify(path: Path) -> int:
        return subprocess.run(
            ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", f"{out}.pub.pem",
             "-rawin", "-in", str(path), "-sigfile", f"{out}.sig"],
            capture_output=True,
        ).returncode  # fmt: skip

    assert verify(out) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["format"] == "renkei-audit-export" and header["entries"] == len(lines) - 1
    assert isinstance(header["chain_verified"], int)
    forged = tmp_path / "forged.jsonl"
    forged.write_text(out.read_text(encoding="utf-8").replace('"ok"', '"failed"', 1))
    assert verify(forged) != 0
    # a second export is signed by the same key (kept, encrypted, in the data directory)
    pem = Path(f"{out}.pub.pem").read_bytes()
    run(ADMIN, "audit", "export", str(out))
    assert Path(f"{out}.pub.pem").read_bytes() == pem and verify(out) == 0
    key_file = data / "files" / "audit-export.key"
    assert key_file.exists() and b"PRIVATE" not in key_file.read_bytes()
