"""No personal value in what scripted commands print (issue 12, finding 6).

A real day from the command line — fetch, enter, send with a rejected record,
status, history, inbox, the line connection both ways, audit, pdf listing,
validate —
with every stdout and stderr captured, then scanned for the synthetic people's
names, card numbers, birth dates and addresses. The control proves the scan
finds what it looks for: ``renkei list`` (which prints names because that is
what it is asked for) and a value planted into clean output are both caught.
"""

from __future__ import annotations

import dataclasses
import hashlib
import subprocess
from pathlib import Path

from core import config as config_mod
from core import formats
from core.reference import synth
from tests.support.linkage import (
    PASSPHRASE,
    LinkageServer,
    linkage_server,
    make_terminal,
    spr_file,
    spr_records,
)

__all__ = ["linkage_server"]
LASDEC = "131041"


def personal_values(records: list[dict[str, str]]) -> set[str]:
    """What identifies a person in these records, in the forms it could be printed."""
    out: set[str] = set()
    for rec in records:
        for column in ("card_number", "name_alpha", "name_kanji", "address"):
            if rec.get(column):
                out.add(rec[column])
        birth = rec.get("birth_date") or ""
        if birth:
            out.update({birth, f"{birth[:4]}-{birth[4:6]}-{birth[6:]}"})
        for part in (rec.get("name_kanji") or "").split():
            if len(part) >= 2:
                out.add(part)
    return out


def scan(outputs: dict[str, str], values: set[str]) -> list[tuple[str, str]]:
    return sorted((what, v) for what, text in outputs.items() for v in values if v in text)


def test_a_scripted_day_prints_no_personal_value(
    tmp_path: Path, linkage_server: LinkageServer, renkei_cmd: list[str], cli_env: dict[str, str]
) -> None:
    people = spr_records(6)
    moj = synth.moj_records(LASDEC, 8, 21)
    bad = [dict(r) for r in moj[:3]]
    bad[1]["birth_date"] = "19990231"  # an invalid file: its problems name this value
    linkage_server.put_notice("spr-131041-20261121-0001.csv", spr_file(people))
    linkage_server.put_notice("moj-131041-20261121-0001.csv", formats.write("moj", moj))
    linkage_server.put_notice("moj-131041-20261121-0002.csv", formats.write("moj", bad))
    data = make_terminal(tmp_path / "t", linkage_server)
    export_dir, import_dir = tmp_path / "to-juki", tmp_path / "from-juki"
    export_dir.mkdir()
    import_dir.mkdir()
    config = config_mod.load(data)
    config.boundary = dataclasses.replace(
        config.boundary, linkage="line", export_dir=str(export_dir), import_dir=str(import_dir)
    )
    config_mod.save(data, config)
    muni = synth.muni_records(LASDEC, 4, 22)
    broken = [dict(r) for r in muni]
    broken[2]["birth_date"] = "20261399"  # rejected: its report would quote values
    for name, recs in (("good.csv", muni[:2]), ("bad.csv", broken)):
        body = formats.write("muni", recs)
        (import_dir / name).write_bytes(body)
        digest = hashlib.sha256(body).hexdigest()
        (import_dir / f"{name}.sha256").write_text(f"{digest}  {name}\n", encoding="ascii")
    env = dict(cli_env, RENKEI_PASSPHRASE=PASSPHRASE)
    outputs: dict[str, str] = {}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [*renkei_cmd, *args, "--data", str(data), "--lang", "en"],
            env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        outputs[" ".join(args)] = done.stdout + done.stderr
        return done

    assert run("fetch").returncode == 1  # the invalid file needs attention
    run("status")
    run("status", "--json")
    run("inbox")
    run("inbox", "recheck", "moj-131041-20261121-0002")
    assert run("enter", people[1]["card_number"], "2024-05-01").returncode == 0
    assert run("enter", people[2]["card_number"], "2024-05-02").returncode == 0
    linkage_server.faults(
        {
            "match": "POST /v1/municipal-notices",
            "action": "reject",
            "card_numbers": [people[2]["card_number"]],
            "reason": "no such certificate",
        }
    )
    assert run("send").returncode == 1
    assert run("boundary", "sync").returncode == 1  # one import file rejected
    run("boundary", "status")
    run("boundary", "status", "--json")
    run("history")
    run("audit", "verify")
    run("audit", "show")
    run("pdf", "--list")
    bad_file = tmp_path / "bad.csv"
    bad_file.write_bytes(formats.write("moj", bad))
    assert run("validate", "moj", str(bad_file)).returncode == 1
    values = set().union(*(personal_values(r) for r in (people, moj, bad, muni, broken)))
    assert len(outputs) == 16 and all(outputs.values())
    assert scan(outputs, values) == []

    # the control: the scan finds a value where one is printed
    clean = dict(outputs)
    listed = run("list")
    assert people[0]["card_number"] in listed.stdout
    assert scan({"list": outputs["list"]}, values)
    planted = dict(clean)
    planted["history"] += f"  {moj[4]['name_alpha']}"
    assert scan(planted, values) == [("history", moj[4]["name_alpha"])]
