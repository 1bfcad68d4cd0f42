"""The second factor: RFC 6238 codes, enrolment, unlock with a code or a
one-time recovery code, and the per-role requirement from the settings.

Expected codes are RFC 6238 Appendix B (SHA-1 secret "12345678901234567890");
a 6-digit code is the 8-digit one modulo 10^6 (RFC 4226 section 5.3).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from core import config as config_mod
from core.datadir import operators
from core.datadir.unlock import change_passphrase, init_vault, open_vault
from core.vault import totp
from core.vault.errors import MustEnrol, SecondFactorNeeded, WrongCode
from core.vault.keys import KeyFile

RFC_SECRET = b"12345678901234567890"
RFC_6238_SHA1 = [  # (T seconds, 8-digit TOTP) from RFC 6238 Appendix B
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]
ADMIN, PW = "kanri", "admin passphrase 1"


@pytest.mark.parametrize(("moment", "expected"), RFC_6238_SHA1)
def test_rfc_6238_vectors(moment: int, expected: str) -> None:
    assert totp.code_at(RFC_SECRET, moment) == expected[-6:]
    assert totp.verify(RFC_SECRET, expected[-6:], moment)


def test_one_step_of_drift_is_accepted_two_are_not() -> None:
    moment = 1111111111
    assert totp.verify(RFC_SECRET, totp.code_at(RFC_SECRET, moment - 30), moment)
    assert totp.verify(RFC_SECRET, totp.code_at(RFC_SECRET, moment + 30), moment)
    assert not totp.verify(RFC_SECRET, totp.code_at(RFC_SECRET, moment - 60), moment)
    assert (
        not totp.verify(RFC_SECRET, "000000", moment)
        or totp.code_at(RFC_SECRET, moment) == "000000"
    )


def test_provisioning_uri_carries_the_base32_secret() -> None:
    uri = totp.provisioning_uri(RFC_SECRET, ADMIN, "t1")
    # RFC 4648 base32 of "12345678901234567890"
    assert totp.secret_text(RFC_SECRET) == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert uri.startswith("otpauth://totp/") and "secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" in uri


def _enrolled(tmp_path: Path) -> tuple[Path, operators.Enrolment]:
    data = tmp_path / "d"
    init_vault(data, PW, cost="low", operator=ADMIN).close()
    enrolment = operators.begin_enrol()
    with open_vault(data, PW, operator=ADMIN, delay_base=0.0) as vault:
        operators.finish_enrol(vault, PW, enrolment, totp.code_at(enrolment.secret, time.time()))
    return data, enrolment


def test_unlock_needs_the_code_once_enrolled(tmp_path: Path) -> None:
    data, enrolment = _enrolled(tmp_path)
    slot = KeyFile.load(data).slots[ADMIN]
    assert slot.totp is not None and len(slot.totp["recovery"]) == totp.RECOVERY_CODES
    raw = (data / "keys.toml").read_text()
    assert totp.secret_text(enrolment.secret) not in raw  # sealed, not stored
    assert not any(code in raw for code in enrolment.recovery)
    with pytest.raises(SecondFactorNeeded):
        open_vault(data, PW, operator=ADMIN, delay_base=0.0)
    with pytest.raises(WrongCode) as wrong:
        open_vault(data, PW, operator=ADMIN, delay_base=0.0, code="12345")
    assert wrong.value.params["failures"] == 1  # counted like a wrong passphrase
    with pytest.raises(WrongCode):  # the right code does not save a wrong passphrase
        code = totp.code_at(enrolment.secret, time.time())
        open_vault(data, "not the passphrase", operator=ADMIN, delay_base=0.0, code=code)
    code = totp.code_at(enrolment.secret, time.time())
    with open_vault(data, PW, operator=ADMIN, delay_base=0.0, code=code) as vault:
        assert not vault.recovery_used


def test_a_recovery_code_works_once(tmp_path: Path) -> None:
    data, enrolment = _enrolled(tmp_path)
    spare = enrolment.recovery[2].lower().replace("-", " ")  # typed loosely
    with open_vault(data, PW, operator=ADMIN, delay_base=0.0, code=spare) as vault:
        assert vault.recovery_used
        assert any(e.action == "operator.recovery_code" for e in vault.audit.entries())
    assert len(KeyFile.load(data).slots[ADMIN].totp["recovery"]) == totp.RECOVERY_CODES - 1  # type: ignore[index]
    with pytest.raises(WrongCode):
        open_vault(data, PW, operator=ADMIN, delay_base=0.0, code=spare)


def test_the_second_factor_follows_a_passphrase_change(tmp_path: Path) -> None:
    data, enrolment = _enrolled(tmp_path)
    code = totp.code_at(enrolment.secret, time.time())
    change_passphrase(data, PW, "a new admin passphrase", operator=ADMIN, code=code)
    code = totp.code_at(enrolment.secret, time.time())
    open_vault(data, "a new admin passphrase", operator=ADMIN, delay_base=0.0, code=code).close()
    with open_vault(
        data, "a new admin passphrase", operator=ADMIN, delay_base=0.0, code=enrolment.recovery[0]
    ) as vault:
        assert vault.recovery_used


def test_a_wrong_confirmation_code_saves_nothing(tmp_path: Path) -> None:
    data = tmp_path / "d"
    init_vault(data, PW, cost="low", operator=ADMIN).close()
    before = (data / "keys.toml").read_bytes()
    enrolment = operators.begin_enrol()
    wrong = "000000" if totp.code_at(enrolment.secret, time.time()) != "000000" else "111111"
    with open_vault(data, PW, operator=ADMIN, delay_base=0.0) as vault:
        with pytest.raises(Exception) as caught:
            operators.finish_enrol(vault, PW, enrolment, wrong)
        assert getattr(caught.value, "key", "") == "operator.totp_enrol_wrong"
    assert (data / "keys.toml").read_bytes() == before


def test_required_per_role_by_config(tmp_path: Path) -> None:
    data = tmp_path / "d"
    with init_vault(data, PW, cost="low", operator=ADMIN) as vault:
        operators.add(vault, "hanako", "clerk", "clerk initial 1")
    change_passphrase(data, "clerk initial 1", "clerk passphrase 1", operator="hanako")
    settings = config_mod.load(data)
    settings.extra["security"] = {"totp_roles": ["clerk"]}
    config_mod.save(data, settings)
    with pytest.raises(MustEnrol) as caught:
        open_vault(data, "clerk passphrase 1", operator="hanako", action="list", delay_base=0.0)
    assert "totp enrol" in caught.value.message("en")
    open_vault(
        data, "clerk passphrase 1", operator="hanako", action="totp enrol", delay_base=0.0
    ).close()
    open_vault(
        data, PW, operator=ADMIN, action="list", delay_base=0.0
    ).close()  # admin: not required
