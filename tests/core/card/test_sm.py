"""The chip's cryptography against published vectors and from-definition values.

Second generation: the appendix (付録2) of 第２世代在留カード等仕様書 Ver 1.1, as
quoted by the open-source reader eringoio/zairyu-card-reader. Retail MAC and
two-key 3DES: ICAO 9303 part 11 appendix D (the BAC worked example uses the same
ISO 9797-1 algorithm 3 and padding method 2), and a step-by-step single-DES
computation. AES-CMAC: NIST SP 800-38B appendix D.1.
"""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, modes

from core.card import apdu, sm
from core.card.errors import CardProofFailed

H = bytes.fromhex

# --- second generation, specification appendix 2 ---------------------------------
NUMBER = "AA12345678BB"
K = H("6522B4E171195BB218223A976C040111")
RND_IFD = H("1122334455667788")
K_IFD = H("404142434445464748494A4B4C4D4E4F")
RND_ICC = H("921CE277323DA057")
E_IFD = H("4AD3C7B6BB484A52771977DED618B41DF841FA0476A05FBE041DEAD6109E773B")
M_IFD = H("AC854617634F5397")
E_ICC = H("289A96B1DA6AE3DA87770419BFD14F0BDAD15F36432B5A946C188C7221759A62")
M_ICC = H("FA942EC51E62FF5F")
KS_ENC = H("C19CF13D3D7FBEE9EA293D834C88952F")
VERIFY_ENC = H("EE0B31EF877F68D071C56D58C72E6748")


def test_gen2_base_key_is_sha1_of_the_number() -> None:
    assert NUMBER.encode() == H("414131323334353637384242")
    assert hashlib.sha1(NUMBER.encode()).hexdigest().upper() == (
        "6522B4E171195BB218223A976C040111BDC4AA25"
    )
    assert sm.base_key(NUMBER) == K


def test_gen2_mutual_authenticate_command_matches_appendix() -> None:
    ch = sm.Challenge(RND_ICC, RND_IFD, K_IFD)
    payload = sm.authenticate_payload(sm.GEN2, K, ch)
    assert payload == E_IFD + M_IFD
    cmd = apdu.mutual_authenticate(payload).to_bytes()
    assert cmd == H("0082000028") + E_IFD + M_IFD + H("00")


def test_gen2_card_answer_and_session_key_match_appendix() -> None:
    ch = sm.Challenge(RND_ICC, RND_IFD, K_IFD)
    plain = sm.GEN2.decrypt(K, E_ICC)
    assert plain == RND_ICC + RND_IFD + H("2CC6AF9B8B607C662FDCAD27B401D08B")
    k_icc = plain[16:]
    assert bytes(a ^ b for a, b in zip(K_IFD, k_icc, strict=True)) == H(
        "6C87EDD8CF253A216795E76CF84C9EC4"
    )
    assert sm.check_authenticate_answer(sm.GEN2, K, ch, E_ICC + M_ICC) == KS_ENC


def test_gen2_verify_command_matches_appendix() -> None:
    session = sm.Session(sm.GEN2, KS_ENC)
    cmd = apdu.verify_sm(session.verify_object(NUMBER)).to_bytes()
    assert cmd == H("0820008613861101") + VERIFY_ENC


def test_gen2_secure_read_command_matches_appendix() -> None:
    assert apdu.read_binary_sm(0x84).to_bytes() == H("08B0840000000496020000" + "0000")


def test_a_tampered_card_answer_is_refused() -> None:
    ch = sm.Challenge(RND_ICC, RND_IFD, K_IFD)
    bad = bytearray(E_ICC + M_ICC)
    bad[3] ^= 1
    with pytest.raises(CardProofFailed):
        sm.check_authenticate_answer(sm.GEN2, K, ch, bytes(bad))
    other = sm.Challenge(RND_ICC, H("0000000000000000"), K_IFD)  # echo of another RND.IFD
    with pytest.raises(CardProofFailed):
        sm.check_authenticate_answer(sm.GEN2, K, other, E_ICC + M_ICC)


# --- AES-CMAC, NIST SP 800-38B D.1 -------------------------------------------------
CMAC_KEY = H("2b7e151628aed2a6abf7158809cf4f3c")
CMAC_MSG = H(
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710"
)


@pytest.mark.parametrize(
    ("length", "tag"),
    [
        (0, "bb1d6929e95937287fa37d129b756746"),
        (16, "070a16b46b4d4144f79bdd9dd04a287c"),
        (40, "dfa66747de9ae63030ca32611497c827"),
        (64, "51f0bebf7e3b9d92fc49741779363cfe"),
    ],
)
def test_aes_cmac_nist_vectors(length: int, tag: str) -> None:
    assert sm.aes_cmac(CMAC_KEY, CMAC_MSG[:length]) == H(tag)
    assert sm.GEN2.mac(CMAC_KEY, CMAC_MSG[:length]) == H(tag)[:8]


# --- first generation: 2-key 3DES and retail MAC ------------------------------------
ICAO_KENC = H("AB94FDECF2674FDFB9B391F85D7F76F2")
ICAO_KMAC = H("7962D9ECE03D1ACD4C76089DCE131543")
ICAO_S = H("781723860C06C2264608F919887022120B795240CB7049B01C19B33E32804F0B")
ICAO_EIFD = H("72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2")
ICAO_MIFD = H("5F1448EEA8AD90A7")
ICAO_EIC = H("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F")
ICAO_MIC = H("2F2D235D074D7449")
ICAO_R = H("4608F91988702212781723860C06C2260B4F80323EB3191CB04970CB4052790B")


def test_gen1_cipher_and_retail_mac_match_icao_worked_example() -> None:
    assert sm.GEN1.encrypt(ICAO_KENC, ICAO_S) == ICAO_EIFD
    assert sm.GEN1.mac(ICAO_KMAC, ICAO_EIFD) == ICAO_MIFD
    assert sm.GEN1.mac(ICAO_KMAC, ICAO_EIC) == ICAO_MIC
    assert sm.GEN1.decrypt(ICAO_KENC, ICAO_EIC) == ICAO_R


def _des(key8: bytes, block: bytes, encrypt: bool) -> bytes:
    """One single-DES block operation (3DES with K1=K2=K3 is single DES)."""
    from core.card.sm import TripleDES

    c = Cipher(TripleDES(key8 * 3), modes.ECB())
    ctx = c.encryptor() if encrypt else c.decryptor()
    return ctx.update(block) + ctx.finalize()


def _retail_mac_by_definition(key: bytes, data: bytes) -> bytes:
    k1, k2 = key[:8], key[8:]
    data = data + b"\x80" + bytes(-(len(data) + 1) % 8)
    h = bytes(8)
    for i in range(0, len(data), 8):
        h = _des(k1, bytes(a ^ b for a, b in zip(h, data[i : i + 8], strict=True)), True)
    return _des(k1, _des(k2, h, False), True)


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 32, 100])
def test_retail_mac_equals_its_definition(n: int) -> None:
    key = bytes(range(16, 32))
    data = bytes((i * 37) & 0xFF for i in range(n))
    assert sm.retail_mac(key, data) == _retail_mac_by_definition(key, data)


def test_gen1_round_trip_with_a_simulated_card() -> None:
    number = "AB12345678CD"
    key = sm.base_key(number)
    ch = sm.Challenge.new(bytes(range(8)))
    payload = sm.authenticate_payload(sm.GEN1, key, ch)
    # the card side, written out: decrypt, check, answer RND.ICC || RND.IFD || K.ICC
    plain = sm.GEN1.decrypt(key, payload[:32])
    assert sm.GEN1.mac(key, payload[:32]) == payload[32:]
    k_icc = bytes(range(100, 116))
    e_icc = sm.GEN1.encrypt(key, plain[8:16] + plain[:8] + k_icc)
    ks = sm.check_authenticate_answer(sm.GEN1, key, ch, e_icc + sm.GEN1.mac(key, e_icc))
    seed = bytes(a ^ b for a, b in zip(ch.k_ifd, k_icc, strict=True))
    assert ks == hashlib.sha1(seed + H("00000001")).digest()[:16]
    session = sm.Session(sm.GEN1, ks)
    assert session.open(session.seal(b"hello card")) == b"hello card"
    assert len(session.verify_object(number)) == 2 + 1 + 16  # 86 11 01 + two blocks
