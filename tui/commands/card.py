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
    print(f"{t('card.cli.card_type')}: {chip.card.label()} ({chip.card.card_type})")
    print(f"{t('card.field.card_number')}: {chip.card_number}")
    for f in chip.fields:
        if f.name != "card_number":
            print(f"{f.label()}: {f.value}")
    print(f"{t('card.cli.genuineness')}: {chip.genuineness.message()}")
    for name, image in (("front_image", chip.front_image), ("name_image", chip.name_image)):
        if image:
            print(f"{t('card.cli.' + name)}: {t('card.cli.image_not_drawn')}")
    return 0


def _trust(args: argparse.Namespace) -> int:
    from core.card import genuine

    directory = genuine.trust_dir(resolve_data_dir(getattr(args, "data", None)))
    anchors = genuine.load_anchors(directory)
    print(f"{t('card.cli.trust_dir')}: {directory}")
    if not anchors:
        print(t("card.genuine.no_anchor"))
        return 0
    for cert in anchors:
        print(genuine.describe_anchor(cert))
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
    trust = card_sub.add_parser(
        "trust", parents=[common], help="list the MOJ CA certificates installed for genuineness"
    )
    trust.set_defaults(func=_trust)
