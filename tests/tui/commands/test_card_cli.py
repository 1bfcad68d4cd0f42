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
    assert "photo" not in out.stdout


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


def test_without_trust_anchor_the_result_is_unknown(
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
    assert json.loads(out.stdout)["genuineness"]["status"] == "unknown"


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
        assert "genuineness: not genuine: the signature does not match" in out.stdout


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
    _fails(out, "combined with the My Number card (card type 07)")
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


def test_trust_lists_the_installed_moj_ca(
    renkei_cmd: list[str], cli_env: dict[str, str], card_data: Path, tmp_path: Path
) -> None:
    out = _run(renkei_cmd, cli_env, "card", "trust", "--data", str(card_data), "--lang", "en")
    assert out.returncode == 0, out.stderr
    assert str(card_data / "moj-ca") in out.stdout
    assert "CN=TEST MOJ CA" in out.stdout and "SHA-256" in out.stdout
    out = _run(renkei_cmd, cli_env, "card", "trust", "--data", str(tmp_path / "none"))
    assert "法務省CA証明書がインストールされていません" in out.stdout
