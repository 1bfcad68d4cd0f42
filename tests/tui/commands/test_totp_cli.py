"""``renkei totp enrol`` as an operator runs it: the key as text and a QR code,
recovery codes, a code from the app to confirm; then commands need the code."""

from __future__ import annotations

import base64
import subprocess
import time
from pathlib import Path

from core.datadir.unlock import init_vault
from core.vault import totp

ADMIN, PW = "kanri", "admin passphrase 1"


def test_enrol_then_unlock_with_a_code(
    renkei_cmd: list[str], cli_env: dict[str, str], tmp_path: Path
) -> None:
    data = tmp_path / "d"
    init_vault(data, PW, cost="low", operator=ADMIN).close()
    env = dict(cli_env, RENKEI_USER=ADMIN, RENKEI_PASSPHRASE=PW, RENKEI_UNLOCK_DELAY="0")
    proc = subprocess.Popen(
        [*renkei_cmd, "totp", "enrol", "--data", str(data), "--lang", "en"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    shown = [proc.stdout.readline()]
    secret_text = shown[0].rsplit(":", 1)[1].strip()
    while len(shown) < 200:  # the QR code and the recovery codes follow
        line = proc.stdout.readline()
        shown.append(line)
        if line.startswith("  ") and "-" in line and len(line.strip()) == 11:
            if sum(1 for s in shown if s.startswith("  ") and len(s.strip()) == 11) == 8:
                break
    qr = [s for s in shown if s.strip() and set(s.rstrip("\n")) <= set("█▀▄ \u00a0")]
    assert len(qr) >= 10  # a QR code drawn with block characters
    secret = base64.b32decode(secret_text + "=" * (-len(secret_text) % 8))
    out, err = proc.communicate(totp.code_at(secret, time.time()) + "\n", timeout=60)
    assert proc.returncode == 0, err
    assert "second factor enrolled" in out

    # from now on a command needs the code too
    no_code = subprocess.run(
        [*renkei_cmd, "status", "--data", str(data), "--lang", "en"],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert no_code.returncode == 3 and "second factor" in no_code.stderr
    with_code = subprocess.run(
        [*renkei_cmd, "user", "list", "--json", "--data", str(data)],
        env=dict(env, RENKEI_TOTP_CODE=totp.code_at(secret, time.time())),
        capture_output=True,
        text=True,
    )
    assert with_code.returncode == 0, with_code.stderr
    assert '"totp": true' in with_code.stdout
