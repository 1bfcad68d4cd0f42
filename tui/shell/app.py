"""``RenkeiApp``: global keys, navigation, unlock and lock, the tick.

Every action is a ``core.terminal.Terminal`` call on the core thread
(``tui.shell.core_thread``); fetch, send and the PDF are exclusive jobs
(``tui.shell.jobs``); the modes' screens load when first shown
(``tui.shell.modes``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar

from textual import events
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme
from textual.worker import Worker

import themes
from core import config as core_config
from core.config import Config
from core.i18n import t
from core.terminal import (
    OutboxItem,
    Progress,
    ProgressFn,
    Terminal,
    WaitingIndex,
)
from tui import dates
from tui.shell.boundary import BoundarySync
from tui.shell.core_thread import CoreThread
from tui.shell.idle import IdleClock
from tui.shell.jobs import Jobs
from tui.shell.keyorder import KeyDone, KeyOrder
from tui.shell.modes import DATA_MODES, LOCKED, MODES, Shown, ShowsFetch, ShowsSend
from tui.shell.schedule import ScheduleRunner
from tui.shell.unlocking import UnlockFn, default_unlock
from tui.shell.work import DataWork
from tui.text import tr

if TYPE_CHECKING:
    from core.boundary import ExportRefusal
    from core.exchange.schedule import Schedule
    from core.store.audit import AuditEntry

T = TypeVar("T")


class RenkeiApp(DataWork, App[int]):
    """The terminal's TUI. ``terminal`` is ``None`` while locked."""

    TITLE = "renkei"
    DEFAULT_MODE = LOCKED
    MODES = MODES  # type: ignore[assignment]  # factories: screens load when first shown
    COMMAND_PALETTE_BINDING = "ctrl+p"
    ENABLE_COMMAND_PALETTE = True

    # Every F-key has an F-key-free twin (Alt+digit; Ctrl+L), for keyboards and
    # terminals without F-keys; the help screen (?) and the palette list both.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1,alt+1", "go('inbox')", tr("nav.inbox"), id="go.inbox"),
        Binding("f2,alt+2", "go('waiting')", tr("nav.waiting"), id="go.waiting"),
        Binding("f3,alt+3", "go('entry')", tr("nav.entry"), id="go.entry"),
        Binding("f4,alt+4", "go('outbox')", tr("nav.outbox"), id="go.outbox"),
        Binding("f5,alt+5", "go('settings')", tr("nav.settings"), id="go.settings"),
        Binding("f9,alt+9", "fetch", tr("action.fetch"), id="fetch"),
        Binding("f10,alt+0", "send", tr("action.send"), id="send"),
        Binding("f12,ctrl+l", "lock", tr("action.lock"), id="lock"),
        Binding("question_mark", "help", tr("action.help"), id="help", priority=True),
        Binding("ctrl+q", "quit", tr("action.quit"), id="quit", priority=True),
    ]

    def __init__(
        self,
        data_dir: Path,
        config: Config | None = None,
        *,
        unlock: UnlockFn | None = None,
        terminal: Terminal | None = None,
        theme: str | None = None,
        clock: Callable[[], datetime] | None = None,
        passphrase_hint: str = "",
        schedule: Schedule | Literal[False] | None = None,  # None: the terminal's own
        time_text: Callable[[datetime], str] | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        config = self._locked_config = config or core_config.load(self.data_dir)
        self.theme_name = themes.choose(theme or config.ui.theme)
        self.ascii_borders = themes.ascii_needed(config.ui.ascii_borders)
        css: list[str | PurePath] = [*themes.css_paths(self.theme_name, self.ascii_borders)]
        super().__init__(
            css_path=css,
            ansi_color=themes.native_colours(self.theme_name),
        )
        self._use_theme(themes.textual_theme(self.theme_name))
        dates.use(config.ui.date_display)
        self.animation_level = "none"
        self._unlock_fn = unlock or default_unlock
        self.terminal: Terminal | None = terminal
        self.clock = clock or datetime.now
        self.passphrase_hint = passphrase_hint
        self._time_text = time_text
        self._ticks = 0
        self._core = CoreThread(self)
        self.jobs = Jobs(self)
        self.idle = IdleClock()
        self.key_order = KeyOrder(
            self._deliver_key,
            lambda: self.focused or self.screen,
            lambda delay, callback: self.set_timer(delay, callback),
        )
        self.boundary = BoundarySync(self)
        self.schedule = ScheduleRunner(self, schedule)
        self.last_error = ""
        self.lock_note = ""  # why the screen locked (idle), shown once on the unlock screen
        # (card number, mode to go back to); ("", None): opened directly
        self.entry_request: tuple[str, str | None] | None = None
        self.waiting_index: WaitingIndex | None = None  # refreshed after changes
        self.outbox_latest: dict[str, OutboxItem] = {}  # card number -> its newest item
        self.last_operator = ""  # who unlocked last: the unlock screen offers them again
        self.unlock_error_key = ""  # the catalogue key of the last unlock refusal
        self._outbox_mark: tuple[int, int] | None = None  # see watch_others

    @property
    def config(self) -> Config:
        """The running settings: the opened data directory's own once unlocked
        (one object, changed by ``Terminal.save_settings``), config.toml before."""
        terminal = self.terminal
        return terminal.config if terminal is not None else self._locked_config

    @property
    def busy(self) -> set[str]:
        """The exclusive jobs running now ("fetch", "send", "pdf", "boundary")."""
        return self.jobs.busy

    @property
    def boundary_held(self) -> tuple[ExportRefusal, ...]:
        """Export files the line connection holds back (shown on 受信 and 確認待ち)."""
        return self.boundary.held

    # -- start and stop ------------------------------------------------------

    def _use_theme(self, theme: Theme) -> None:
        """The theme, taken before the stylesheet is first read: set as the theme
        watcher would (its classes), without the watcher's second parse of every
        stylesheet (which, with the first mode's screen, cost two at start).
        Every renkei theme is dark, like Textual's default one, so the colour
        filters the watcher would refresh are already the dark ones."""
        if theme.name not in self.available_themes:
            self.register_theme(theme)
        self.set_reactive(App.theme, theme.name)
        stale = {name: False for name in self.classes if name.startswith("-theme-")}
        dark = theme.dark
        self.update_classes(
            {**stale, f"-theme-{theme.name}": True, "-dark-mode": dark, "-light-mode": not dark},
            update=False,
        )

    def on_mount(self) -> None:
        if self.config.ui.keymap:
            self.set_keymap(dict(self.config.ui.keymap))
        self.set_interval(5.0, self._tick)
        if self.terminal is not None:
            self._after_unlock()

    def on_unmount(self) -> None:
        terminal, self.terminal = self.terminal, None
        if terminal is not None:
            self._core.submit(terminal.close).result()
        self._core.shutdown()

    # -- the core thread -------------------------------------------------------

    def run_core(
        self,
        fn: Callable[..., T],
        *args: object,
        done: Callable[[T], None] | None = None,
        error: Callable[[BaseException], None] | None = None,
        name: str = "core",
    ) -> Worker[None]:
        """Run ``fn(*args)`` on the core thread from a worker; report back on the UI thread."""
        return self._core.run(fn, *args, done=done, error=error or self.show_error, name=name)

    def progress_fn(self, target: Callable[[Progress], None]) -> ProgressFn:
        """A progress callback safe to call from the core thread."""
        return self._core.progress(target)

    @staticmethod
    def error_text(exc: BaseException) -> str:
        from core.errors import RenkeiError

        if isinstance(exc, RenkeiError):
            return exc.message()
        return f"{type(exc).__name__}: {exc}"

    def show_error(self, exc: BaseException) -> None:
        from core.errors import RenkeiError

        message = dates.reason(exc) if isinstance(exc, RenkeiError) else self.error_text(exc)
        self.last_error = message
        self.notify(message, title=tr("error.title"), severity="error", timeout=8, markup=False)

    # -- unlock and lock -------------------------------------------------------

    def try_unlock(
        self,
        passphrase: str,
        done: Callable[[str | None], None],
        operator: str | None = None,
        code: str | None = None,
    ) -> None:
        """Open the terminal as ``operator``; ``done(None)`` on success,
        ``done(message)`` on failure. The unlock screen then offers the same
        operator again after an idle lock (``last_operator``)."""
        from core.errors import RenkeiError

        def opened(terminal: Terminal) -> None:
            self.terminal = terminal
            self.last_operator = terminal.operator or operator or ""
            self._after_unlock()
            done(None)

        def failed(exc: BaseException) -> None:
            self.unlock_error_key = exc.key if isinstance(exc, RenkeiError) else ""
            done(exc.message() if isinstance(exc, RenkeiError) else str(exc))

        self.unlock_error_key = ""
        self.run_core(
            self._unlock_fn, self.data_dir, passphrase, operator, code, done=opened, error=failed
        )

    def first_login(
        self,
        operator: str | None,
        initial: str,
        chosen: str,
        code: str | None,
        done: Callable[[str | None], None],
    ) -> None:
        """An initial passphrase replaced by the operator's own (their slot only),
        then the terminal unlocked with it."""
        import core

        def changed(_result: None) -> None:
            self.try_unlock(chosen, done, operator, code)

        def failed(exc: BaseException) -> None:
            done(self.error_text(exc))

        self.run_core(
            core.change_passphrase, self.data_dir, initial, chosen, operator, code,
            done=changed, error=failed, name="passwd",
        )  # fmt: skip

    def _after_unlock(self) -> None:
        self.idle.touch()
        dates.use(self.config.ui.date_display)
        self.refresh_waiting()
        self.switch_mode("waiting")
        self.schedule.run(datetime.now())  # a fetch at start is the schedule's call
        self.sweep_pdfs("startup")

    async def action_lock(self) -> None:
        """Close the terminal and drop every screen that showed personal data."""
        terminal, self.terminal = self.terminal, None
        self.waiting_index, self.outbox_latest = None, {}
        self._outbox_mark = None
        self.boundary.reset()
        if terminal is not None:
            self._core.submit(terminal.record_lock)
            self._core.submit(terminal.close)
        await self.switch_mode(LOCKED)
        for mode in DATA_MODES:
            await self.remove_mode(mode)
            self.add_mode(mode, MODES[mode])

    # -- operators: roles and conflicts -----------------------------------------

    @property
    def role(self) -> str:
        """The unlocked operator's role (a terminal without operators: admin)."""
        return self.terminal.role if self.terminal is not None else "admin"

    def permitted(self, binding_id: str) -> bool:
        """Whether the operator's role allows a TUI action (roles.toml [tui]); a
        refusal is audited and shown, naming the role it needs."""
        terminal = self.terminal
        if terminal is None:
            return False
        if terminal.allows(binding_id):
            return True
        self.run_core(terminal.require, binding_id, name="role")
        return False

    def show_own_history(self) -> None:
        """操作履歴: this operator's own audit entries."""
        from tui.screens.own_history import SHOWN, OwnHistoryScreen

        terminal = self.terminal
        if terminal is None:
            return

        def show(entries: list[AuditEntry]) -> None:
            self.push_screen(OwnHistoryScreen(entries, terminal.operator))

        self.run_core(terminal.own_history, SHOWN, done=show, name="history")

    # -- navigation and global actions ----------------------------------------

    async def action_go(self, mode: str) -> None:
        if self.terminal is None or not self.permitted(f"go.{mode}"):
            return
        if mode == "entry":
            self.entry_request = ("", None)  # opened directly: the number field first
        await self.show_mode(mode)

    async def show_mode(self, mode: str) -> None:
        """Switch to ``mode`` with its focus already set when this returns: the keys
        typed after the one that switched go to the field the screen puts first,
        not to the screen left behind (Textual would set it later, from a queue)."""
        await self.switch_mode(mode)
        screen: object = self.screen  # (mypy: Screen is no Protocol)
        if isinstance(screen, Shown):
            screen.shown()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("go", "fetch", "send", "lock") and self.terminal is None:
            return False
        return True

    def action_fetch(self) -> None:
        screen: object = self.mode_screen(self.current_mode)  # (mypy: Screen is no Protocol)
        if isinstance(screen, ShowsFetch):
            screen.start_fetch()  # the screen in front shows the progress
        else:
            self.start_fetch()

    def action_send(self) -> None:
        """F10: ask first (how many will leave the terminal), then send."""
        from tui import asks

        asks.send(self, self._send_now)

    def _send_now(self) -> None:
        screen: object = self.mode_screen("outbox")
        if isinstance(screen, ShowsSend) and self.current_mode == "outbox":
            screen.start_send()
        else:
            self.start_send()

    async def action_quit(self) -> None:
        """Ctrl+Q: with dates not yet sent, ask before quitting."""
        from tui import asks

        asks.quit(self)

    def action_help(self) -> None:
        """``?``: the keys of this screen (typed as text in free-text fields)."""
        from tui import asks

        asks.help(self)

    def action_command_palette(self) -> None:
        from tui.widgets.palette import Palette

        if self.use_command_palette and not Palette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(Palette(id="--command-palette"))

    def mode_screen(self, mode: str) -> Screen[Any] | None:
        """The base screen of ``mode`` if it has been shown since the last lock."""
        try:
            stack = self.get_screen_stack(mode)
        except KeyError:  # the mode was removed (locked) and not shown since
            return None
        return stack[0] if stack else None

    # -- the tick: idle lock, schedule, line connection, other sessions -------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self.idle.touch()
        if isinstance(event, events.Key) and not event.is_forwarded:
            await self.key_order.key(event)  # after the key before it is handled
            return
        await super().on_event(event)

    async def _deliver_key(self, event: events.Key) -> bool:
        """A key from the terminal, delivered as Textual does; true when it went on
        to a widget's queue (no priority binding took it)."""
        from tui import altkeys, asks

        alt = altkeys.as_alt(event)
        if alt is not None and not asks.free_text(self.focused):
            event = alt  # ESC+digit: Alt+digit, not a ¢ in the search field
        await super().on_event(event)
        return event.is_forwarded

    async def on_key_done(self, message: KeyDone) -> None:
        await self.key_order.done(message)

    def idle_seconds(self) -> float:
        return self.idle.seconds()

    async def _tick(self) -> None:
        if self.terminal is None:
            return
        limit = self.config.ui.idle_lock_minutes
        if self.idle.due(limit):
            from tui import asks

            self.lock_note = asks.idle_note(self, limit)  # said on the unlock screen
            await self.action_lock()
            return
        self.schedule.run(datetime.now())
        self.boundary.tick()
        self.watch_others()
        self._ticks += 1
        if self._ticks % 12 == 0:  # every minute
            self.sweep_pdfs("due")

    def watch_others(self) -> None:
        """Another session (another operator, over another SSH login) entered or
        sent something: reload the list within a tick (5 s)."""
        terminal = self.terminal
        if terminal is None:
            return

        def seen(now: tuple[int, int]) -> None:
            before, self._outbox_mark = self._outbox_mark, now
            if before is not None and before != now and self.terminal is terminal:
                self.refresh_waiting()

        self.run_core(terminal.changes_mark, done=seen, error=lambda _exc: None, name="watch")

    def sweep_pdfs(self, when: str) -> None:
        """Delete the list PDFs whose time has come (and at start, crash leftovers)."""
        terminal = self.terminal
        if terminal is not None:
            self.run_core(terminal.sweep_pdfs, datetime.now(), when, name="pdf-sweep")

    def sync_boundary(self) -> None:
        """The line connection while the TUI is open (``tui.shell.boundary``)."""
        self.boundary.tick()

    def run_schedule(self, now: datetime) -> None:
        """Ask the schedule what is due (起動時間監視) and start it."""
        self.schedule.run(now)

    def time_text(self, moment: datetime | None) -> str:
        """How a time is shown (one place, so a test can fix it)."""
        if moment is None:
            return "-"
        if self._time_text is not None:
            return self._time_text(moment)
        return moment.strftime("%m-%d %H:%M")

    # -- command palette -------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        from tui import asks

        yield from asks.commands(self, screen)
        if self.terminal is not None:  # 操作履歴: this operator's own actions
            yield SystemCommand(
                t("operator.history_title"), t("operator.history_help"), self.show_own_history
            )

    def compose(self) -> ComposeResult:
        yield from ()

    async def open_entry(self, card_number: str) -> None:
        """交付年月日入力 for ``card_number`` (from a 未入力 row); back there after.

        The request is left for the screen to take when it mounts or resumes,
        before it gets keys, so a date typed at once lands in the date field.
        """
        self.entry_request = (card_number, self.current_mode)
        await self.show_mode("entry")
