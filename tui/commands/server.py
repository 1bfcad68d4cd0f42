"""``renkei server``: the reference linkage server (training, tests, the demo)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.errors import RenkeiError
from core.i18n import t


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "server",
        parents=[common],
        help="run the reference linkage server",
        description=(
            "Serve DIR/<lasdec>/moj/*.csv as MOJ notices, store uploads in "
            "DIR/<lasdec>/received/, tokens from DIR/tokens.toml, faults from "
            "DIR/faults.toml. Makes DIR/tls/ca.pem at first start unless --cert/--key."
        ),
    )
    parser.add_argument("--root", required=True, metavar="DIR", help="server root folder")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8443)
    parser.add_argument(
        "--cert", metavar="PEM", help="server certificate (default: made in DIR/tls)"
    )
    parser.add_argument("--key", metavar="PEM", help="key of --cert")
    parser.add_argument(
        "--client-ca", metavar="PEM", help="require client certificates from this CA"
    )
    parser.add_argument("--plain-http", action="store_true", help="serve HTTP without TLS")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.reference import runner
    from core.reference.tls import CA_NAME

    root = Path(args.root)
    if bool(args.cert) != bool(args.key):
        raise SystemExit("renkei server: --cert and --key go together")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RenkeiError("exchange.server.no_root", root=str(root), detail=str(exc)) from exc
    srv = runner.build(
        root,
        args.host,
        args.port,
        cert=Path(args.cert) if args.cert else None,
        key=Path(args.key) if args.key else None,
        client_ca=Path(args.client_ca) if args.client_ca else None,
        plain_http=args.plain_http,
    )
    scheme = "http" if args.plain_http else "https"
    host = f"[{args.host}]" if ":" in args.host else args.host
    ca = "-" if args.plain_http or args.cert else str(root / "tls" / CA_NAME)
    print(
        t("exchange.server.listening", url=f"{scheme}://{host}:{args.port}", root=root, ca=ca),
        file=sys.stderr,
        flush=True,
    )
    srv.run()
    return 0
