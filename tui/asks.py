"""The App's questions and lists: confirm send and quit, the help screen, the palette.

Kept out of ``tui.shell`` so the App holds the wiring and this module the
rules: what leaves the terminal is asked first (``tui.screens.confirm``: Enter
alone never says yes); ``?`` shows the keys of the screen in front; the
palette offers every key action of that screen by name, with its keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from textual.actions import SkipAction
from textual.app import SystemCommand
from textual.screen import Screen
from textual.widgets import Input

from tui.screens.confirm import ConfirmScreen
from tui.screens.help import HelpScreen, help_text, key_lines
from tui.text import tr

if TYPE_CHECKING:
    from core.terminal import Status
    from tui.shell import RenkeiApp


def send(app: RenkeiApp, go: Callable[[], None]) -> None:
    """Ask before sending: how many dates leave the terminal."""
    terminal = app.terminal
    if terminal is None:
        return

    def counted(status: Status) -> None:
        queued, pending = status.queued, status.pending_batches
        if not queued and not pending:
            app.notify(tr("confirm.nothing_to_send"), markup=False)
            return
        question = tr("confirm.send", n=queued)
        detail = tr("confirm.send_pending", n=pending) if pending else ""

        def answered(yes: bool | None) -> None:
            if yes:
                go()

        app.push_screen(ConfirmScreen(question, detail), answered)

    app.run_core(terminal.status, done=counted, name="ask-send")


def quit(app: RenkeiApp) -> None:
    """Quit at once when nothing waits to be sent; otherwise ask."""
    terminal = app.terminal
    if terminal is None:
        app.exit(0)
        return
    running = sorted(app.busy & {"fetch", "send"})
    if running:  # asked at once: the count would wait for the exchange to finish

        def stop(yes: bool | None) -> None:
            if yes:
                app.exit(0)

        words = "、".join(tr(f"confirm.busy.{job}") for job in running)
        app.push_screen(ConfirmScreen(tr("confirm.quit_busy", what=words)), stop)
        return

    def counted(status: Status) -> None:
        queued = status.queued + status.pending_batches
        if not queued:
            app.exit(0)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                app.exit(0)

        app.push_screen(
            ConfirmScreen(tr("confirm.quit", n=queued), tr("confirm.quit_detail")), answered
        )

    app.run_core(terminal.status, done=counted, name="ask-quit")


def free_text(widget: Any) -> bool:
    """A field where ``?`` is a character (the passphrase, the settings, any plain
    ``Input`` such as the palette's)."""
    if not isinstance(widget, Input):
        return False
    return bool(getattr(widget, "free_text", True))


def help(app: RenkeiApp) -> None:
    """``?``: open (or close) the help screen of the screen in front."""
    screen = app.screen
    if isinstance(screen, HelpScreen):
        app.pop_screen()
        return
    if free_text(app.focused) or screen.is_modal:
        raise SkipAction()
    app.push_screen(HelpScreen(help_text(screen, app.current_mode)))


def commands(app: RenkeiApp, screen: Screen[Any]) -> Iterator[SystemCommand]:
    """Every key action of ``screen`` and the App, named with its keys, plus help."""
    keys = dict((d, k) for k, d in key_lines(screen))
    done: set[str] = {"help"}
    for namespace, bindings in screen._modal_binding_chain:
        for key_bindings in bindings.key_to_bindings.values():
            for binding in key_bindings:
                action = binding.action
                if not binding.show or not binding.description or action in done:
                    continue
                if not _enabled(namespace, action):
                    continue
                done.add(action)
                yield SystemCommand(
                    binding.description,
                    tr("palette.keys", keys=keys.get(binding.description, "")),
                    lambda a=action, n=namespace: app.run_action(a, n),
                )
    yield SystemCommand(tr("action.help"), tr("palette.keys", keys="?"), lambda: help(app))


def _enabled(namespace: Any, action: str) -> bool:
    check = getattr(namespace, "check_action", None)
    if check is None:
        return True
    return check(action.split("(")[0], ()) is not False


def idle_note(app: RenkeiApp, minutes: int) -> str:
    """Why the screen locked by itself, and whether typed work was dropped."""
    try:
        stack = app.get_screen_stack("entry")
    except KeyError:  # the mode was removed (locked before) and not shown since
        stack = []
    dropped = False
    if stack:
        dropped = any(field.value.strip() for field in stack[0].query(Input))
    note = tr("unlock.idle_locked", minutes=minutes)
    return f"{note} {tr('unlock.idle_dropped')}" if dropped else note
