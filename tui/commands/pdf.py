"""``renkei pdf``: the 未入力 list as a PDF, and the sweep that deletes old ones.

``renkei pdf --out FILE`` writes the list (all of it, or the rows matching
``--filter``) and says where it is, when it will be deleted and which
characters could not be printed as they are. ``renkei pdf --sweep`` deletes the
PDFs whose time has come (for cron or a systemd timer; ``--end-of-business``
deletes all of them); ``renkei pdf --list`` shows the ones still there.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from core import config as configuration
from core.errors import RenkeiError
from core.i18n import t


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "pdf",
        parents=[common],
        help="print the 未入力 list as a PDF; delete expired PDFs",
        description=(
            "特別永住者証明書交付年月日未入力リスト as a PDF (A4 landscape). Every PDF written "
            "is deleted after [pdf] expiry_minutes or at end of business ([schedule] send_time), "
            "whichever comes first, by the next sweep."
        ),
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--out", metavar="FILE", help="write the list to FILE")
    action.add_argument("--sweep", action="store_true", help="delete the PDFs whose time is up")
    action.add_argument("--list", action="store_true", help="show the PDFs still on disk")
    parser.add_argument(
        "--password-file", metavar="F", help="protect the PDF (AES-256) with the password in F"
    )
    parser.add_argument(
        "--filter", metavar="TEXT", default="", help="only the rows the search TEXT finds"
    )
    parser.add_argument("--sort", metavar="KEY", help="card_number (default), name_alpha, …")
    parser.add_argument(
        "--end-of-business",
        action="store_true",
        help="with --sweep: delete every PDF (the day is over)",
    )
    parser.set_defaults(func=run)


def _local(moment: datetime) -> str:
    return f"{moment.astimezone():%Y-%m-%d %H:%M}"


def read_password(path: str) -> str:
    """The password in ``path``: its first line, without the line end."""
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RenkeiError("pdf.password.unreadable", path=path, reason=str(exc)) from exc
    password = raw.splitlines()[0] if raw else ""
    if not password:
        raise RenkeiError("pdf.password.empty", path=path)
    return password


def run(args: argparse.Namespace) -> int:
    from core.pdf import lifetime

    data_dir = configuration.resolve_data_dir(getattr(args, "data", None))
    now = datetime.now().astimezone()
    if args.list:
        records = lifetime.active_in(data_dir)
        for record in records:
            print(t("pdf.active.item", path=record.path, at=_local(record.expires_at)))
        if not records:
            print(t("pdf.active.none"))
        return 0
    if args.sweep:
        # Due ones and what a crash left (a held PDF whose TUI is gone).
        when = lifetime.CLOSE if args.end_of_business else lifetime.STARTUP
        closed = lifetime.sweep_in(data_dir, now, when)
        for record in closed:
            print(t("pdf.sweep.deleted", path=record.path))
        if not closed:
            print(t("pdf.sweep.none"))
        return 0

    from core.pdf.document import sort_keys
    from core.pdf.export import check_target
    from tui.commands._exchange import open_session

    if args.sort and args.sort not in sort_keys():
        raise RenkeiError("pdf.sort.unknown", key=args.sort, keys=", ".join(sort_keys()))
    out = check_target(Path(args.out))  # before the passphrase is asked for
    password = read_password(args.password_file) if args.password_file else None
    with open_session(args) as session:
        waiting = session.waiting()
        entries = list(waiting.search(args.filter)) if args.filter else list(waiting)
        config = session.config
        done = session.export_pdf(
            entries,
            now,
            out=out,
            filter_text=args.filter,
            sort_key=args.sort,
            password=password,
            held=False,
        )
    print(t("pdf.written", path=done.path, rows=done.rows, pages=done.pages))
    print(t("pdf.expires", at=_local(done.expires_at), minutes=config.pdf.expiry_minutes))
    if done.encrypted:
        print(t("pdf.encrypted"))
    if done.unprintable:
        print(t("pdf.warnings", count=len(done.unprintable)), file=sys.stderr)
        for item in done.unprintable:
            print(f"  {item.render()}", file=sys.stderr)
    return 0
