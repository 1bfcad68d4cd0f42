"""``renkei card …`` end to end: the CLI in a subprocess, pyscard, the real pcscd
with the vpcd driver, and the simulated chip on the other side of vpcd."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.support.cardsim import fixtures
from tests.support.cardsim.card import Faults, SimCard
from tests.support.cardsim.holders import HOLDERS, gen1_card, gen2_card
from tests.support.cardsim.stack import READER, PcscStack

# the simulator's fixtures, used here by name
pcsc = fixtures.pcsc
place_card = fixtures.place_card
card_data = fixtures.card_data


def _run(cmd: list[str], env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*cmd, *args], capture_output=True, text=True, env=env, timeout=60)


def _read_en(
    cmd: list[str], env: dict[str, str], number: str, data: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    """``renkei card read`` in English on the test's data dir (most tests read this way)."""
    return _run(
        cmd, env, "card", "read", "--number", number, "--lang", "en", "--data", str(data), *extra
    )


def test_readers_lists_the_virtual_reader_and_the_card(
    renkei_cmd: list[str],
    cli_env: dict[str, str],
    pcsc: PcscStack,
    place_card: Callable[[SimCard], SimCard],
) -> None:
    env = pcsc.env(cli_env)
    out = _run(renkei_cmd, env, "card", "readers", "--lang", "en")
    assert out.returncode == 0, out.stderr
    assert f"{READER}\tno card" in out.stdout
    place_card(gen1_card(HOLDERS["gen1"]))
    out = _run(renkei_cmd, env, "card", "readers", "--lang", "en")
    assert f"{READER}\tcard present" in out.stdout


def test_read_first_generation(
    renkei_cmd: list[str],
    cli_env: dict[str, str],
    pcsc: PcscStack,
    place_card: Callable[[SimCard], SimCard],
    card_data: Path,
) -> None:
    holder = HOLDERS["gen1"]
    card = place_card(gen1_card(holder))
    out = _run(
        renkei_cmd,
        pcsc.env(cli_env),
        "card",
        "read",
        "--number",
        holder.number,
        "--data",
        str(card_data),
    )
    assert out.returncode == 0, out.stderr
    assert "在留カード（第1世代） (1)" in out.stdout
    assert f"住居地: {holder.address}" in out.stdout
    assert "住居地記載年月日: 2024-04-01" in out.stdout
    assert "偽変造確認: 真正" in out.stdout
    assert "券面画像: あり" in out.stdout
    assert card.auth_attempts == 1
    # nothing read from the card was written anywhere the command could write
    written = sorted(str(p.relative_to(card_data)) for p in card_data.rglob("*") if p.is_file())
    assert written == ["moj-ca/test-moj-ca.pem"]
    home = [Path(cli_env["HOME"]), Path(cli_env["XDG_DATA_HOME"])]
    assert not any(p.is_file() for d in home if d.exists() for p in d.rglob("*"))


def test_read_second_generation_as_json(
    renkei_cmd: list[str],
    cli_env: dict[str, str],
    pcsc: PcscStack,
    place_card: Callable[[SimCard], SimCard],
    card_data: Path,
) -> None:
    holder = HOLDERS["gen2"]
    place_card(gen2_card(holder))
    out = _run(
        renkei_cmd,
        pcsc.env(cli_env),
        "card",
        "read",
        "--number",
        holder.number.lower(),
        "--json",
        "--lang",
        "en",
        "--data",
        str(card_data),
    )
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    fields = {f["name"]: f["raw"] for f in doc["fields"]}
    assert (doc["generation"], doc["card_type"], doc["kind"]) == (2, "05", "residence")
    assert fields["card_number"] == holder.number
    assert fields["birth_date"] == holder.birth
    assert fields["nationality"] == holder.nationality
    assert doc["genuineness"]["status"] == "genuine"
    assert doc["images"] == {"front_image": False, "name_image": True, "address_image": True}
    # no photo anywhere: only the coverage sentence may name it
    assert "photo" not in json.dumps({k: v for k, v in doc.items() if k != "genuineness"})


def test_second_generation_spr_certificate(
    renkei_cmd: list[str],
    cli_env: dict[str, str],
    pcsc: PcscStack,
    place_card: Callable[[SimCard], SimCard],
    card_data: Path,
) -> None:
    holder = HOLDERS["spr2"]
    place_card(gen2_card(holder, "spr"))
    out = _run(
        renkei_cmd,
        pcsc.env(cli_env),
        "card",
        "read",
        "--number",
        holder.number,
        "--data",
        str(card_data),
    )
    assert out.returncode == 0, out.stderr
    assert "特別永住者証明書（第2世代） (06)" in out.stdout
    assert "生年月日: 1960-11-05" in out.stdout


def test_without_trust_anchor_the_result_is_unverifiable(
    renkei_cmd: list[str],
    cli_env: dict[str, str],
    pcsc: PcscStack,
    place_card: Callable[[SimCard], SimCard],
    tmp_path: Path,
) -> None:
    holder = HOLDERS["gen2"]
    place_card(gen2_card(holder))
    out = _run(
        renkei_cmd,
        pcsc.env(cli_env),
        "card",
        "read",
        "--number",
        holder.number,
        "--json",
        "--data",
        str(tmp_path / "empty"),
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["genuineness"]["status"] == "unverifiable"
    assert json.loads(out.stdout)["genuineness"]["label"] == "検証不能"


# --- faults: each its own message, exit code 5 -------------------------------------


def _fails(out: subprocess.CompletedProcess[str], text: str) -> None:
    assert out.returncode == 5, (out.returncode, out.stdout, out.stderr)
    assert text in out.stderr, out.stderr
    assert "Traceback" not in out.stderr
    assert out.stdout == ""


def test_wrong_number_is_refused_once_and_not_retried(
    renkei_cmd: list[str],
    cli_env: dict[str, str],
    pcsc: PcscStack,
    place_card: Callable[[SimCard], SimCard],
    card_data: Path,
) -> None:
    card = place_card(gen2_card(HOLDERS["gen2"]))
    out = _read_en(renkei_cmd, pcsc.env(cli_env), "XY98765432ZZ", card_data)
    _fails(out, "the card refused number XY98765432ZZ (MUTUAL AUTHENTICATE)")
    assert card.auth_attempts == 1


def test_malformed_number_sends_nothing(
    renkei_cmd: list[str],
    cli_env: dict[str, str],
    pcsc: PcscStack,
    place_card: Callable[[SimCard], SimCard],
) -> None:
    card = place_card(gen1_card(HOLDERS["gen1"]))
    out = _run(renkei_cmd, pcsc.env(cli_env), "card", "read", "--number", "AB1234567CD")
    _fails(out, "在留カード等番号の形式が正しくありません")
    assert card.commands == []


def test_bad_signature_is_not_genuine(
    renkei_cmd: list[str],
    cli_env: dict[str, str],
    pcsc: PcscStack,
    place_card: Callable[[SimCard], SimCard],
    card_data: Path,
) -> None:
    for card in (
        gen1_card(HOLDERS["gen1"], bad_signature=True),
        gen2_card(HOLDERS["gen2"], bad_signature=True),
    ):
        place_card(card)
        out = _run(
            renkei_cmd,
            pcsc.env(cli_env),
            "card",
            "read",
            "--number",
            card.number,
            "--lang",
            "en",
            "--data",
            str(card_data),
        )
        assert out.returncode == 0, out.stderr
        assert "genuineness: signature mismatch: the signature does not verify" in out.stdout


def test_card_removed_mid_read(
    renkei_cmd: list[str],
    cli_env: dict[str, str],
    pcsc: PcscStack,
    place_card: Callable[[SimCard], SimCard],
    card_data: Path,
) -> None:
    card = gen1_card(HOLDERS["gen1"])
    card.faults = Faults(remove_at_read=4)  # after authentication, inside DF1
    place_card(card)
    out = _read_en(renkei_cmd, pcsc.env(cli_env), card.number, card_data)
    _fails(out, "the card was removed during the read")


def test_security_status_not_satisfied(
    renkei_cmd: list[str],
    cli_env: dict[str, str],
    pcsc: PcscStack,
    place_card: Callable[[SimCard], SimCard],
    card_data: Path,
) -> None:
    card = gen2_card(HOLDERS["gen2"])
    card.faults = Faults(sm_6982=True)
    place_card(card)
    out = _read_en(renkei_cmd, pcsc.env(cli_env), card.number, card_data)
    _fails(out, "READ BINARY (SM): security status not satisfied (6982)")


def test_reader_without_extended_length_fails_before_authentication(
    renkei_cmd: list[str],
    cli_env: dict[str, str],
    pcsc: PcscStack,
    place_card: Callable[[SimCard], SimCard],
    card_data: Path,
) -> None:
    card = gen2_card(HOLDERS["gen2"])
    card.faults = Faults(no_extended=True)
    place_card(card)
    out = _read_en(renkei_cmd, pcsc.env(cli_env), card.number, card_data)
    _fails(out, "does not support extended-length APDUs")
    assert card.auth_attempts == 0


def test_my_number_card_is_refused_untouched(
    renkei_cmd: list[str],
    cli_env: dict[str, str],
    pcsc: PcscStack,
    place_card: Callable[[SimCard], SimCard],
) -> None:
    from tests.support.cardsim.card import mynumber_card

    card = place_card(mynumber_card())
    out = _run(
        renkei_cmd, pcsc.env(cli_env), "card", "read", "--number", card.number, "--lang", "en"
    )
    _fails(out, "this card is a specified residence card (特定在留カード) (card type 07")
    assert "enter the delivery date by hand" in out.stderr
    assert all(cmd[1] == 0xB0 for cmd in card.commands)  # public reads only
    assert not any(cmd[1] == 0xA4 for cmd in card.commands)


def test_no_card_on_the_reader(
    renkei_cmd: list[str], cli_env: dict[str, str], pcsc: PcscStack
) -> None:
    out = _run(
        renkei_cmd, pcsc.env(cli_env), "card", "read", "--number", "AB12345678CD", "--lang", "en"
    )
    _fails(out, "there is no card on the reader")


def test_no_card_service(renkei_cmd: list[str], cli_env: dict[str, str], tmp_path: Path) -> None:
    env = dict(cli_env, PCSCLITE_CSOCK_NAME=str(tmp_path / "no-pcscd.comm"))
    out = _run(renkei_cmd, env, "card", "readers", "--lang", "en")
    _fails(out, "no card service: PC/SC (pcscd) is not running")
    out = _run(renkei_cmd, env, "card", "read", "--number", "AB12345678CD")
    _fails(out, "カードサービス（PC/SC, pcscd）が動いていません")


def test_no_reader_connected(renkei_cmd: list[str], cli_env: dict[str, str]) -> None:
    bare = PcscStack(with_reader=False)  # a second pcscd, with no reader configured
    bare.start()
    try:
        env = bare.env(cli_env)
        out = _run(renkei_cmd, env, "card", "readers", "--lang", "en")
        assert (out.returncode, out.stdout.strip()) == (0, "no card readers"), out.stderr
        out = _run(renkei_cmd, env, "card", "read", "--number", "AB12345678CD", "--lang", "en")
        _fails(out, "no card reader is connected")
    finally:
        bare.stop()


def test_ca_list_shows_installed_and_missing_moj_cas(
    renkei_cmd: list[str], cli_env: dict[str, str], card_data: Path, tmp_path: Path
) -> None:
    out = _run(renkei_cmd, cli_env, "card", "ca", "list", "--data", str(card_data), "--lang", "en")
    assert out.returncode == 0, out.stderr
    assert str(card_data / "moj-ca") in out.stdout
    # the test CA is installed (not on MOJ's list), the five published CAs are named
    assert "-\tinstalled\t" in out.stdout and "CN=TEST MOJ CA" in out.stdout
    for year in ("2015", "2018", "2021", "2024"):
        assert f"moj-gen1-{year}\tmissing" in out.stdout
    assert "moj-gen2-2026\tmissing\t2026-04-20〜2039-07-20" in out.stdout
    old = _run(renkei_cmd, cli_env, "card", "trust", "--data", str(card_data), "--lang", "en")
    assert old.stdout == out.stdout


def test_ca_add_checks_the_file_and_remove_takes_it_out(
    renkei_cmd: list[str], cli_env: dict[str, str], tmp_path: Path
) -> None:
    from cryptography.hazmat.primitives import serialization

    from tests.support.zairyu_sim import issue

    data = tmp_path / "data"
    ca = issue.authority(2, "admin")
    pem = tmp_path / "new-ca.pem"
    pem.write_bytes(ca.ca_pem())
    signer = tmp_path / "signer.der"
    signer.write_bytes(ca.signer_cert.public_bytes(serialization.Encoding.DER))
    junk = tmp_path / "junk.cer"
    junk.write_bytes(b"not a certificate")
    args = ("--data", str(data), "--lang", "en")

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return _run(renkei_cmd, cli_env, "card", "ca", *extra, *args)

    out = run("add", str(pem))  # not on MOJ's list: refused unless --unlisted
    assert out.returncode == 5 and "is not on MOJ's published CA list" in out.stderr
    assert not (data / "moj-ca").exists() or not any((data / "moj-ca").iterdir())
    out = run("add", str(signer))
    assert out.returncode == 5 and "is not a CA certificate" in out.stderr
    out = run("add", str(junk))
    assert out.returncode == 5 and "is not a certificate (DER or PEM)" in out.stderr
    out = run("add", str(pem), "--unlisted")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("added: - CN=SIM ZairyuCard CA2 admin")
    out = run("add", str(pem), "--unlisted")
    assert out.stdout.startswith("replaced: ")
    assert len(list((data / "moj-ca").iterdir())) == 1
    fingerprint = out.stdout.split("SHA-256 ")[1][:11]
    out = run("remove", fingerprint)
    assert out.returncode == 0 and out.stdout.startswith("removed: SHA-256 " + fingerprint)
    assert list((data / "moj-ca").iterdir()) == []
    out = run("remove", fingerprint)
    assert out.returncode == 5 and "no installed CA certificate has fingerprint" in out.stderr


def test_first_generation_spr_from_the_independent_simulator(
    renkei_cmd: list[str],
    cli_env: dict[str, str],
    pcsc: PcscStack,
    place_card: Callable[[SimCard], SimCard],
    tmp_path: Path,
) -> None:
    """The case the issue found failing (6A86, exit 5): a first-generation SPR
    certificate played by ``zairyu_sim`` (written from the public specification)."""
    from tests.support.zairyu_sim import issue

    person, chip = issue.card("gen1_spr")
    place_card(chip)  # type: ignore[arg-type]
    data = tmp_path / "data"
    (data / "moj-ca").mkdir(parents=True)
    (data / "moj-ca" / "sim.pem").write_bytes(issue.authority(1).ca_pem())
    out = _read_en(renkei_cmd, pcsc.env(cli_env), person.number, data, "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    fields = {f["name"]: f["raw"] for f in doc["fields"]}
    assert fields == {
        "address_date": person.address_date,
        "municipality_code": person.municipality,
        "address": person.address,
    }
    assert (doc["kind"], doc["generation"]) == ("spr", 1)
    assert doc["genuineness"]["status"] == "genuine"
    assert doc["absent"] == []
    plain = [c for c in chip.log if c[:2] == b"\x00\xb0"]
    assert {c[3:] for c in plain} == {b"\x00\x00\x00\x00"}  # one extended read per file
