"""``renkei help TOPIC``: operating sheets kept as data (``core/data/help/``).

One text file per topic and language (``paper.ja.txt``, ``paper.en.txt``), so
the wording is edited without touching code and a new sheet is a new file.
"""

from __future__ import annotations

import argparse
from importlib import resources

from core.errors import EXIT_OK, EXIT_USAGE
from core.i18n import DEFAULT_LANG, language


def topics() -> list[str]:
    folder = resources.files("core.data") / "help"
    return sorted({e.name.split(".")[0] for e in folder.iterdir() if e.name.endswith(".txt")})


def sheet(topic: str, lang: str | None = None) -> str:
    folder = resources.files("core.data") / "help"
    for candidate in (lang or language(), DEFAULT_LANG):
        entry = folder / f"{topic}.{candidate}.txt"
        if entry.is_file():
            return entry.read_text(encoding="utf-8")
    raise KeyError(topic)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "help",
        parents=[common],
        help="運用手順書を表示する (paper: 紙による連携)",
        description="Operating sheets. Topics: " + ", ".join(topics()),
    )
    parser.add_argument("topic", nargs="?", choices=topics(), metavar="TOPIC")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.topic:
        print("renkei help TOPIC — " + ", ".join(topics()))
        return EXIT_USAGE
    print(sheet(args.topic), end="")
    return EXIT_OK
