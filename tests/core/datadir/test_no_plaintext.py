"""After a scripted workflow with synthetic people, no byte of them is on disk
in the clear: not in the data directory (database, WAL, files), not in the
temp directory, not in the logs — in UTF-8, Shift_JIS (cp932) or UTF-16."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from core.datadir.unlock import open_vault

PW = "scan test passphrase"
PEOPLE = [
    # (Latin name, kanji name, card number, birth date)
    ("WANG XIAOMING", "王 小明", "AB12345678CD", "1990-04-01"),
    ("NGUYEN VAN AN", "阮 文安", "EF23456789GH", "1985-12-24"),
    ("SILVA MARIA", "シルヴァ マリア", "IJ34567890KL", "2001-07-15"),
    ("KIM MINJUN", "金 珉俊", "MN45678901OP", "1978-02-28"),
]


def _needles() -> list[bytes]:
    out: list[bytes] = []
    for latin, kanji, card, born in PEOPLE:
        texts = [
            latin,
            latin.split()[0] + " " + latin.split()[1],
            kanji,
            kanji.replace(" ", ""),
            card,
            born,
            born.replace("-", ""),
            born.replace("-", "/"),
        ]
        for text in texts:
            for codec in ("utf-8", "cp932", "utf-16-le"):
                try:
                    out.append(text.encode(codec))
                except UnicodeEncodeError:
                    continue
    return sorted(set(out))


def _scan(*roots: Path) -> list[str]:
    needles = _needles()
    found = []
    for root in roots:
        for path in [root, *root.rglob("*")] if root.is_dir() else [root]:
            if not path.is_file():
                continue
            raw = path.read_bytes()
            found += [f"{path}: {n!r}" for n in needles if n in raw]
    return found


def test_the_scanner_finds_plaintext(tmp_path: Path) -> None:
    (tmp_path / "leak").write_bytes(PEOPLE[2][1].encode("cp932"))
    assert _scan(tmp_path)


def test_workflow_leaves_no_plaintext(
    tmp_path: Path, renkei_cmd: list[str], cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data, temp, logs = tmp_path / "data", tmp_path / "tmp", tmp_path / "logs"
    temp.mkdir()
    logs.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    env = dict(cli_env, RENKEI_PASSPHRASE=PW, TMPDIR=str(temp), RENKEI_UNLOCK_DELAY="0")
    log = (logs / "renkei.log").open("a", encoding="utf-8")

    def cli(*args: str) -> None:
        done = subprocess.run(
            [*renkei_cmd, *args, "--data", str(data)],
            env=env,
            text=True,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
        log.write(done.stdout + done.stderr)
        assert done.returncode == 0, done.stderr

    cli("init", "--kdf-cost", "low", "--lasdec", "131016")
    with open_vault(data, PW, delay_base=0.0) as vault:
        store = vault.store
        store.execute(
            "CREATE TABLE people (id INTEGER PRIMARY KEY, card_blind BLOB,"
            " card BLOB, name BLOB, kanji BLOB, born BLOB)"
        )
        store.declare_blind("people", "card_blind", "card", "card")
        csv = "\n".join(",".join((c, latin, kanji, b)) for latin, kanji, c, b in PEOPLE)
        for codec in ("utf-8", "cp932"):  # a notice file as received, in both encodings
            with vault.writer(f"files/notice-{codec}.enc", chunk_size=64) as writer:
                writer.write(csv.encode(codec, errors="replace"))
        with store.transaction() as conn:
            for i, (latin, kanji, card, born) in enumerate(PEOPLE):
                conn.execute(
                    "INSERT INTO people VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        i,
                        store.blind(card, "card"),
                        store.seal(card, f"people.card:{i}"),
                        store.seal(latin, f"people.name:{i}"),
                        store.seal(kanji, f"people.kanji:{i}"),
                        store.seal(born, f"people.born:{i}"),
                    ),
                )
                vault.audit.append(
                    "entry.enter",
                    actor="clerk1",
                    record=store.ref(card),
                    detail="delivered date entered",
                )
        # and it all reads back
        assert vault.read_bytes("files/notice-utf-8.enc").decode() == csv
        row = store.query(
            "SELECT id, kanji FROM people WHERE card_blind = ?",
            (store.blind(PEOPLE[1][2], "card"),),
        )[0]
        assert store.unseal_text(row["kanji"], f"people.kanji:{row['id']}") == PEOPLE[1][1]
    cli("audit", "show")
    cli("rekey")
    new_pw = tmp_path / "pw2"
    new_pw.write_text("a second passphrase\n")
    cli("passwd", "--new-passphrase-file", str(new_pw))
    env["RENKEI_PASSPHRASE"] = "a second passphrase"
    cli("audit", "verify")
    cli("audit", "show", "--json")
    log.close()
    assert (logs / "renkei.log").stat().st_size > 0
    assert _scan(data, temp, logs) == []
    assert os.listdir(temp) == []
