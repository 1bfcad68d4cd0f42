"""``renkei card readers`` and ``renkei card read --number NUMBER [--json]``.

What the chip holds goes to the terminal only (stdout), never to a file or a
log; images are reported as present, not printed.
"""

from __future__ import annotations

import argparse
import json
import sys

from core.config import resolve_data_dir
from core.i18n import t


def _readers(args: argparse.Namespace) -> int:
    from core.card.reader import Context, support

    ok, reason = support()
    if not ok:
        from core.card.errors import CardUnavailable

        raise CardUnavailable(reason)
    with Context() as ctx:
        infos = ctx.readers()
    if not infos:
        print(t("card.cli.readers_none"))
        return 0
    for info in infos:
        state = t("card.cli.card_present") if info.card_present else t("card.cli.card_absent")
        print(f"{info.name}\t{state}")
    return 0


def _read(args: argparse.Namespace) -> int:
    from core.card import genuine, residence
    from core.card.reader import support

    number = residence.normalize_number(args.number)  # form first, before anything else
    ok, reason = support()
    if not ok:
        from core.card.errors import CardUnavailable

        raise CardUnavailable(reason)
    trust = genuine.trust_dir(resolve_data_dir(getattr(args, "data", None)))
    chip = residence.read_with_reader(number, reader=args.reader, trust=trust)
    if args.json:
        json.dump(chip.as_dict(), sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for line in chip_report(chip):
        print(line)
    return 0


def chip_report(chip: object) -> list[str]:
    """What the chip holds and what its signature proves, as text lines (shared by
    the command and the TUI). Images are named, never drawn; nothing is written."""
    from core.card.residence import ChipData

    assert isinstance(chip, ChipData)
    lines = [f"{t('card.cli.card_type')}: {chip.card.label()} ({chip.card.card_type})"]
    lines.append(f"{t('card.field.card_number')}: {chip.card_number}")
    lines += [f"{f.label()}: {f.value}" for f in chip.fields if f.name != "card_number"]
    lines += [a.label() for a in chip.absent]
    if chip.card.generation == 2:
        lines.append(f"{t('card.field.address')}: {t('card.address_image')}")
    for name, image in (("front_image", chip.front_image), ("name_image", chip.name_image)):
        if image:
            lines.append(f"{t('card.cli.' + name)}: {t('card.cli.image_not_drawn')}")
    lines.append(f"{t('card.cli.genuineness')}: {chip.genuineness.message()}")
    if chip.genuineness.covers():
        lines.append(chip.genuineness.covers())
    return lines


def _ca_list(args: argparse.Namespace) -> int:
    from core.card import genuine, trust

    directory = genuine.trust_dir(resolve_data_dir(getattr(args, "data", None)))
    print(f"{t('card.cli.trust_dir')}: {directory}")
    for row in trust.rows(directory):
        state = t(f"card.ca.state_{row.state}")
        print(f"{row.id}\t{state}\t{row.valid}\tSHA-256 {row.fingerprint}\t{row.subject}")
    return 0


def _ca_add(args: argparse.Namespace) -> int:
    from pathlib import Path

    from core.card import genuine, trust
    from tui.commands._vault import authorize

    authorize(args)  # trust anchors: admin (roles.toml)
    directory = genuine.trust_dir(resolve_data_dir(getattr(args, "data", None)))
    cert, replaced = trust.add(directory, Path(args.file), unlisted=args.unlisted)
    entry = genuine.listed_for(cert)
    print(
        t(
            "card.ca.replaced" if replaced else "card.ca.added",
            id=entry.id if entry else "-",
            subject=cert.subject.rfc4514_string(),
            fingerprint=genuine.fingerprint(cert),
        )
    )
    return 0


def _ca_remove(args: argparse.Namespace) -> int:
    from core.card import genuine, trust
    from tui.commands._vault import authorize

    authorize(args)  # trust anchors: admin (roles.toml)
    directory = genuine.trust_dir(resolve_data_dir(getattr(args, "data", None)))
    for fp in trust.remove(directory, args.fingerprint):
        print(t("card.ca.removed", fingerprint=fp))
    return 0


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    card = sub.add_parser(
        "card", parents=[common], help="IC card reader: residence card / SPR certificate chip"
    )
    card_sub = card.add_subparsers(dest="card_command", metavar="ACTION", required=True)
    readers = card_sub.add_parser("readers", parents=[common], help="list card readers")
    readers.set_defaults(func=_readers)
    read = card_sub.add_parser(
        "read", parents=[common], help="read the chip with the card number printed on it"
    )
    read.add_argument("--number", required=True, help="card number, e.g. AB12345678CD")
    read.add_argument("--reader", default=None, help="reader name (default: the one with a card)")
    read.add_argument("--json", action="store_true", help="print JSON (text only, no images)")
    read.set_defaults(func=_read)
    ca = card_sub.add_parser(
        "ca", parents=[common], help="the MOJ CA certificates used to check genuineness"
    )
    ca_sub = ca.add_subparsers(dest="ca_command", metavar="ACTION", required=True)
    ca_sub.add_parser(
        "list", parents=[common], help="MOJ's published CAs: shipped, installed or missing"
    ).set_defaults(func=_ca_list)
    add = ca_sub.add_parser(
        "add", parents=[common], help="install (or replace) a CA certificate, DER or PEM"
    )
    add.add_argument("file", help="the certificate file downloaded from MOJ's page")
    add.add_argument(
        "--unlisted",
        action="store_true",
        help="accept a CA not on the published list (a newer CA): compare its fingerprint first",
    )
    add.set_defaults(func=_ca_add)
    remove = ca_sub.add_parser("remove", parents=[common], help="remove an installed CA")
    remove.add_argument("fingerprint", help="the SHA-256 fingerprint, or its first 8+ hex digits")
    remove.set_defaults(func=_ca_remove)
    # the former name of "ca list"
    card_sub.add_parser("trust", parents=[common], help="same as: card ca list").set_defaults(
        func=_ca_list
    )
