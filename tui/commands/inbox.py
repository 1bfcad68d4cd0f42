"""``renkei inbox``: received files that need attention, and ``recheck FILE_ID``
to check a kept file again (after the rules or the file were fixed) and take it
in when it passes (core/exchange/intake.py)."""

from __future__ import annotations

import argparse

from core.errors import EXIT_OK, EXIT_PROBLEMS
from core.i18n import t
from core.textsafe import shown
from tui.commands._exchange import open_session
from tui.commands._private import add_show_values, problem_line, show_values


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "inbox", parents=[common], help="received files needing attention; recheck one"
    )
    actions = parser.add_subparsers(dest="inbox_action", metavar="ACTION")
    listing = actions.add_parser("list", parents=[common], help="files needing attention")
    listing.set_defaults(func=run_list)
    again = actions.add_parser(
        "recheck", parents=[common], help="check a kept file again and take it in if it passes"
    )
    again.add_argument("file_id")
    add_show_values(again)
    again.set_defaults(func=run_recheck)
    parser.set_defaults(func=run_list)


def attention_lines(session: object) -> list[str]:
    """The received files that failed their data check (for status and inbox)."""
    files = [f for f in session.inbox() if f.status == "invalid"]  # type: ignore[attr-defined]
    if not files:
        return []
    lines = [t("inbox.attention", count=len(files))]
    for f in files:
        lines.append(
            t(
                "inbox.attention_item",
                file_id=shown(f.file_id, 80),
                name=shown(f.name, 80),
                problems=f.problems,
            )
        )
    return lines


def run_list(args: argparse.Namespace) -> int:
    with open_session(args, read_only=True) as session:
        lines = attention_lines(session)
    for line in lines:
        print(line)
    return EXIT_PROBLEMS if lines else EXIT_OK


def run_recheck(args: argparse.Namespace) -> int:
    from core.exchange import intake

    with open_session(args) as session:
        result = intake.recheck(session.vault, args.file_id)
    name = shown(result.name, 80)
    errors = [p for p in result.problems if p.severity == "error"]
    if result.ok:
        print(
            t(
                "inbox.recheck_ok",
                file=name,
                records=result.records,
                added=result.added,
                duplicates=result.duplicates,
            )
        )
        return EXIT_OK
    values = show_values(args)
    for problem in sorted(result.problems, key=lambda p: p.line):
        print(problem_line(problem, values))
    print(t("inbox.recheck_still", file=name, problems=len(errors)))
    return EXIT_PROBLEMS
