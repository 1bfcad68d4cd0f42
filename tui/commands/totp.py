"""``renkei totp enrol``: set up one's own second factor (TOTP, RFC 6238).

Shows the secret as text and as a QR code drawn in the terminal, and the
one-time recovery codes; saves nothing until a code from the app proves the
secret arrived (typed at the prompt, or one line on stdin).
"""

from __future__ import annotations

import argparse
import io
import sys

from core.datadir import operators
from core.i18n import t
from core.vault import totp
from tui.commands._vault import open_from_args


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("totp", parents=[common], help="your second factor (authenticator app)")
    actions = p.add_subparsers(dest="totp_action", metavar="ACTION", required=True)
    enrol = actions.add_parser(
        "enrol",
        parents=[common],
        help="enrol an authenticator app: shows a key and QR code, then asks for a code",
    )
    enrol.set_defaults(func=run_enrol)


def qr_text(uri: str) -> str:
    """The URI as a QR code in text (the ``qrcode`` library's encoder and drawing)."""
    import qrcode

    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(uri)
    out = io.StringIO()
    code.print_ascii(out=out, invert=True)
    return out.getvalue()


def run_enrol(args: argparse.Namespace) -> int:
    phrase: list[str] = []
    with open_from_args(args, passphrase_out=phrase) as vault:
        enrolment = operators.begin_enrol()
        terminal = vault.config.terminal.terminal_id or "renkei"
        uri = totp.provisioning_uri(enrolment.secret, vault.operator, terminal)
        print(t("operator.totp_secret", secret=totp.secret_text(enrolment.secret)))
        print(qr_text(uri))
        print(t("operator.totp_recovery"))
        for code in enrolment.recovery:
            print(f"  {code}")
        print(t("operator.totp_confirm"), file=sys.stderr, flush=True)
        sys.stdout.flush()
        typed = sys.stdin.readline().strip()
        operators.finish_enrol(vault, phrase[0], enrolment, typed)
    print(t("operator.totp_enrolled"))
    return 0
