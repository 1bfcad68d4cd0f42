"""The renkei App (``RenkeiApp``): modes for each screen, global keys, the core thread, idle lock.

Every action is a ``core.terminal.Terminal`` call. Those calls run on one
dedicated "core" thread (the terminal's SQLite connection stays on one thread)
and are awaited by Textual thread workers, so the screen never freezes while a
fetch or a send talks to the server.
"""

from __future__ import annotations

import dataclasses
import inspect
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from textual import events
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

import themes
from core import config as core_config
from core.config import Config
from core.i18n import t
from core.terminal import Progress, Terminal
from tui import dates
from tui.screens.entry import EntryScreen
from tui.screens.inbox import InboxScreen
from tui.screens.outbox import OutboxScreen
from tui.screens.settings import SettingsScreen
from tui.screens.unlock import UnlockScreen
from tui.screens.waiting import WaitingScreen
from tui.text import tr

UnlockFn = Callable[[Path, str], Terminal]
DATA_MODES = ("inbox", "waiting", "entry", "outbox", "settings")
BOUNDARY_EVERY = 30.0  # seconds between two line-connection syncs while open


def default_unlock(
    data_dir: Path, passphrase: str, operator: str | None = None, code: str | None = None
) -> Terminal:
    """Open the data directory as ``operator`` with their passphrase (the
    vault/exchange code). An initial passphrase is refused here: it is changed
    first with ``renkei passwd``."""
    from core.session import unlock
    from core.vault.errors import MustChangePassphrase, MustEnrol

    session = unlock(data_dir, passphrase, operator=operator, code=code)
    vault = session.vault
    if vault.must_change or vault.must_enrol:
        session.close()
        if vault.must_change:
            raise MustChangePassphrase(vault.operator)
        raise MustEnrol(vault.operator, vault.role)
    return session


def _audit_lock(terminal: Any) -> None:
    """The lock is a ログイン event of the audit trail (best effort: a read-only,
    rolled-back database records nothing)."""
    vault = getattr(terminal, "vault", None)
    if vault is not None and vault.rolled_back is None:
        vault.audit.append("vault.lock")


def _takes_operator(fn: Callable[..., Any]) -> bool:
    try:
        return "operator" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


class RenkeiApp(App[int]):
    """The terminal's TUI. ``terminal`` is ``None`` while locked."""

    TITLE = "renkei"
    DEFAULT_MODE = "locked"
    MODES: ClassVar[dict[str, Any]] = {
        "locked": UnlockScreen,
        "inbox": InboxScreen,
        "waiting": WaitingScreen,
        "entry": EntryScreen,
        "outbox": OutboxScreen,
        "settings": SettingsScreen,
    }
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
        schedule: Any = None,  # None: the terminal's own; False: no automatic runs
        time_text: Callable[[datetime], str] | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        config = self._locked_config = config or core_config.load(self.data_dir)
        self.theme_name = themes.choose(theme or config.ui.theme)
        self.ascii_borders = themes.ascii_needed(config.ui.ascii_borders)
        super().__init__(
            css_path=themes.css_paths(self.theme_name, self.ascii_borders),
            ansi_color=themes.native_colours(self.theme_name),
        )
        dates.use(config.ui.date_display)
        self.animation_level = "none"
        self._unlock_fn = unlock or default_unlock
        self.terminal: Terminal | None = terminal
        self.clock = clock or datetime.now
        self.passphrase_hint = passphrase_hint
        self.schedule = schedule
        self._time_text = time_text
        self._ticks = 0
        self._core = ThreadPoolExecutor(max_workers=1, thread_name_prefix="renkei-core")
        self._last_input = time.monotonic()
        self.busy: set[str] = set()
        self.last_error = ""
        self.lock_note = ""  # why the screen locked (idle), shown once on the unlock screen
        # (card number, mode to go back to); ("", None): opened directly
        self.entry_request: tuple[str, str | None] | None = None
        self.waiting_index: Any = None  # the terminal's WaitingIndex, refreshed after changes
        self.outbox_latest: dict[str, Any] = {}  # card number -> its newest OutboxItem
        self.boundary_held: tuple[Any, ...] = ()  # export files held back (ExportRefusal)
        self._boundary_at: float | None = None  # when the last line sync started (monotonic)
        self._boundary_error = ""  # the sync error shown last: not shown again until it changes
        self.last_operator = ""  # who unlocked last: the unlock screen offers them again
        self.unlock_error_key = ""  # the catalogue key of the last unlock refusal
        self._outbox_mark: tuple[int, int] | None = None  # see watch_others

    @property
    def config(self) -> Config:
        """The running settings: the opened data directory's own once unlocked
        (one object, changed by ``Terminal.save_settings``), config.toml before."""
        terminal = self.terminal
        return terminal.config if terminal is not None else self._locked_config

    # -- start and stop ------------------------------------------------------

    def on_mount(self) -> None:
        theme = themes.textual_theme(self.theme_name)
        if theme.name not in self.available_themes:
            self.register_theme(theme)
        self.theme = theme.name
        if self.config.ui.keymap:
            self.set_keymap(dict(self.config.ui.keymap))
        self.set_interval(5.0, self._tick)
        if self.terminal is not None:
            self._after_unlock()

    def on_unmount(self) -> None:
        terminal, self.terminal = self.terminal, None
        if terminal is not None:
            self._core.submit(terminal.close).result()
        self._core.shutdown(wait=True)

    # -- the core thread -------------------------------------------------------

    def run_core(
        self,
        fn: Callable[..., Any],
        *args: Any,
        done: Callable[[Any], None] | None = None,
        error: Callable[[BaseException], None] | None = None,
        name: str = "core",
    ) -> Any:
        """Run ``fn(*args)`` on the core thread from a worker; report back on the UI thread."""

        def job() -> None:
            try:
                result = self._core.submit(fn, *args).result()
            except BaseException as exc:  # reported on screen, never swallowed
                self.call_from_thread(error or self.show_error, exc)
                return
            if done is not None:
                self.call_from_thread(done, result)

        return self.run_worker(job, thread=True, name=name, group="core", exit_on_error=False)

    def progress_fn(self, target: Callable[[Progress], None]) -> Callable[[Progress], None]:
        """A progress callback safe to call from the core thread."""
        return lambda progress: self.call_from_thread(target, progress)

    @staticmethod
    def error_text(exc: BaseException) -> str:
        return exc.message() if hasattr(exc, "message") else f"{type(exc).__name__}: {exc}"

    def show_error(self, exc: BaseException) -> None:
        message = dates.reason(exc) if hasattr(exc, "key") else self.error_text(exc)
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

        def opened(terminal: Terminal) -> None:
            self.terminal = terminal
            vault = getattr(terminal, "vault", None)
            self.last_operator = getattr(vault, "operator", None) or operator or ""
            self._after_unlock()
            done(None)

        def failed(exc: BaseException) -> None:
            self.unlock_error_key = getattr(exc, "key", "")
            done(exc.message() if hasattr(exc, "message") else str(exc))

        self.unlock_error_key = ""
        args: tuple[Any, ...] = (self.data_dir, passphrase)
        if (operator or code) and _takes_operator(self._unlock_fn):
            args += (operator, code)
        self.run_core(self._unlock_fn, *args, done=opened, error=failed)

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
        from core.vault.unlock import change_passphrase

        def changed(_result: object) -> None:
            self.try_unlock(chosen, done, operator, code)

        def failed(exc: BaseException) -> None:
            done(self.error_text(exc))

        self.run_core(
            change_passphrase, self.data_dir, initial, chosen, operator, code,
            done=changed, error=failed, name="passwd",
        )  # fmt: skip

    # -- operators: roles and conflicts -----------------------------------------

    @property
    def role(self) -> str:
        """The unlocked operator's role (a terminal without operators: admin)."""
        return str(getattr(getattr(self.terminal, "vault", None), "role", "admin"))

    def permitted(self, binding_id: str) -> bool:
        """Whether the operator's role allows a TUI action (roles.toml [tui]); a
        refusal is audited and shown, naming the role it needs."""
        from core.vault import roles

        if roles.allows(self.role, binding_id, "tui"):
            return True
        vault = getattr(self.terminal, "vault", None)
        if vault is not None:
            self.run_core(roles.require, vault, binding_id, "tui", name="role")
        else:
            need = roles.needs(binding_id, "tui")
            self.show_error(roles.Forbidden(binding_id, need, "", self.role))
        return False

    def show_own_history(self) -> None:
        """操作履歴: this operator's own audit entries."""
        from tui.screens.own_history import OwnHistoryScreen, own_entries

        vault = getattr(self.terminal, "vault", None)
        if vault is None:
            return
        self.run_core(
            own_entries,
            vault,
            done=lambda entries: self.push_screen(OwnHistoryScreen(entries, vault.operator)),
            name="history",
        )

    def ask_conflict(
        self,
        exc: BaseException,
        card_number: str,
        delivered: Any,
        done: Callable[[Any], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """Another operator entered this certificate: show who, what, when; enter
        over theirs only if this operator chooses to."""
        from tui.screens.conflict import ConflictScreen

        terminal = self.terminal

        def chosen(replace: bool | None) -> None:
            if replace and terminal is not None and terminal is self.terminal:
                self.run_core(
                    terminal.enter, card_number, delivered, "", True,
                    done=done, error=failed, name="enter",
                )  # fmt: skip

        self.push_screen(ConflictScreen(self.error_text(exc)), chosen)

    def _after_unlock(self) -> None:
        self._last_input = time.monotonic()
        dates.use(self.config.ui.date_display)
        self.refresh_waiting()
        self.switch_mode("waiting")
        self.run_schedule(datetime.now())  # a fetch at start is the schedule's call
        self.sweep_pdfs("startup")

    async def action_lock(self) -> None:
        """Close the terminal and drop every screen that showed personal data."""
        terminal, self.terminal = self.terminal, None
        self.waiting_index, self.outbox_latest = None, {}
        self._outbox_mark = None
        self.boundary_held, self._boundary_at, self._boundary_error = (), None, ""
        if terminal is not None:
            self._core.submit(_audit_lock, terminal)
            self._core.submit(terminal.close)
        await self.switch_mode("locked")
        for mode in DATA_MODES:
            await self.remove_mode(mode)
            self.add_mode(mode, self.MODES[mode])

    # -- navigation and global actions ----------------------------------------

    async def action_go(self, mode: str) -> None:
        if self.terminal is None or not self.permitted(f"go.{mode}"):
            return
        if mode == "entry":
            self.entry_request = ("", None)  # opened directly: the number field first
        await self.switch_mode(mode)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("go", "fetch", "send", "lock") and self.terminal is None:
            return False
        return True

    def action_fetch(self) -> None:
        screen = self._mode_screen(self.current_mode)
        if screen is not None and hasattr(screen, "start_fetch"):
            screen.start_fetch()  # the screen in front shows the progress
        else:
            self.start_fetch()

    def action_send(self) -> None:
        """F10: ask first (how many will leave the terminal), then send."""
        from tui import asks

        asks.send(self, self._send_now)

    def _send_now(self) -> None:
        screen = self._mode_screen("outbox")
        if screen is not None and self.current_mode == "outbox":
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

    def _mode_screen(self, mode: str) -> Any:
        try:
            stack = self.get_screen_stack(mode)
        except KeyError:  # the mode was removed (locked) and not shown since
            return None
        return stack[0] if stack else None

    def start_fetch(
        self,
        progress: Callable[[Progress], None] | None = None,
        done: Callable[[Any], None] | None = None,
    ) -> None:
        """Fetch now (F9 or the schedule); one at a time."""
        if self.terminal is None or "fetch" in self.busy:
            return
        self.busy.add("fetch")
        terminal = self.terminal
        report = self.progress_fn(progress) if progress else None

        def finished(result: Any) -> None:
            self.busy.discard("fetch")
            self.last_error = ""  # a success clears the error shown on 送信状況
            self.notify(
                tr(
                    "fetch.done",
                    files=result.files,
                    records=result.records,
                    waiting=result.waiting_added,
                ),
                markup=False,
            )
            if result.files:  # no file taken: the list is as it was (no reload of 100,000)
                self.refresh_waiting()
            if done:
                done(result)

        def failed(exc: BaseException) -> None:
            self.busy.discard("fetch")
            self.show_error(exc)
            if done:
                done(None)

        self.run_core(terminal.fetch, report, done=finished, error=failed, name="fetch")

    def start_send(
        self,
        progress: Callable[[Progress], None] | None = None,
        done: Callable[[Any], None] | None = None,
    ) -> None:
        """Send now (F10 or the schedule); one at a time."""
        if self.terminal is None or "send" in self.busy:
            return
        self.busy.add("send")
        terminal = self.terminal
        report = self.progress_fn(progress) if progress else None

        def finished(result: Any) -> None:
            self.busy.discard("send")
            self.last_error = ""
            self.notify(
                tr(
                    "send.done",
                    files=result.files,
                    accepted=result.accepted,
                    rejected=result.rejected,
                ),
                severity="warning" if result.rejected else "information",
                markup=False,
            )
            self.refresh_waiting()
            if done:
                done(result)

        def failed(exc: BaseException) -> None:
            self.busy.discard("send")
            self.show_error(exc)
            if done:
                done(None)

        self.run_core(terminal.send, report, done=finished, error=failed, name="send")

    def entered(self, result: Any) -> None:
        """An entry was made: mark it on the list at once (no reload of 100,000)."""
        index = self.waiting_index
        old = index.get(result.card_number) if index is not None else None
        if old is not None:
            index.upsert(dataclasses.replace(old, entered_date=result.delivered))
            self.outbox_latest.pop(result.card_number, None)  # a new entry resolves the old
            self._data_changed()
        else:
            self.refresh_waiting()

    def _data_changed(self) -> None:
        for mode in DATA_MODES:
            screen = self._mode_screen(mode)
            if screen is not None and hasattr(screen, "data_changed"):
                screen.data_changed()

    def refresh_waiting(self) -> None:
        """Reload the 未入力 index after anything that changes it; screens redraw."""
        terminal = self.terminal
        if terminal is None:
            return

        def read() -> tuple[Any, dict[str, Any]]:
            from tui.states import latest

            return terminal.waiting(), latest(terminal.outbox())

        def loaded(found: tuple[Any, dict[str, Any]]) -> None:
            if self.terminal is terminal:
                self.waiting_index, self.outbox_latest = found
                self._data_changed()

        self.run_core(read, done=loaded, name="waiting")

    def standing(self, card_number: str, entry: Any = None) -> Any:
        """Where ``card_number`` stands (``tui.states.Standing``): list and outbox joined."""
        from tui.states import standing

        return standing(entry, self.outbox_latest.get(card_number))

    # -- idle lock and the schedule -----------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown)):
            self._last_input = time.monotonic()
        if isinstance(event, events.Key) and not event.is_forwarded:
            from tui import altkeys, asks

            alt = altkeys.as_alt(event)
            if alt is not None and not asks.free_text(self.focused):
                event = alt  # ESC+digit: Alt+digit, not a ¢ in the search field
        await super().on_event(event)

    def idle_seconds(self) -> float:
        return time.monotonic() - self._last_input

    async def _tick(self) -> None:
        if self.terminal is None:
            return
        limit = self.config.ui.idle_lock_minutes
        if limit > 0 and self.idle_seconds() >= limit * 60:
            from tui import asks

            self.lock_note = asks.idle_note(self, limit)  # said on the unlock screen
            await self.action_lock()
            return
        self.run_schedule(datetime.now())
        self.sync_boundary()
        self.watch_others()
        self._ticks += 1
        if self._ticks % 12 == 0:  # every minute
            self.sweep_pdfs("due")

    def watch_others(self) -> None:
        """Another session (another operator, over another SSH login) entered or
        sent something: reload the list within a tick (5 s)."""
        terminal = self.terminal
        store = getattr(getattr(terminal, "vault", None), "store", None)
        if store is None:
            return

        def mark() -> tuple[int, int]:
            row = store.query("SELECT count(*), coalesce(max(rowid), 0) FROM exchange_outbox")
            return int(row[0][0]), int(row[0][1])

        def seen(now: tuple[int, int]) -> None:
            before, self._outbox_mark = self._outbox_mark, now
            if before is not None and before != now and self.terminal is terminal:
                self.refresh_waiting()

        self.run_core(mark, done=seen, error=lambda _exc: None, name="watch")

    def sweep_pdfs(self, when: str) -> None:
        """Delete the list PDFs whose time has come (and at start, crash leftovers)."""
        from core.pdf import lifetime

        self.run_core(lifetime.sweep_in, self.data_dir, datetime.now(), when, name="pdf-sweep")

    def sync_boundary(self) -> None:
        """The line connection (``renkei boundary sync``) while the TUI is open:
        at most every ``BOUNDARY_EVERY`` seconds, one at a time, on the core thread."""
        settings = self.config.boundary
        terminal = self.terminal
        if (
            terminal is None
            or "boundary" in self.busy
            or settings.linkage != "line"
            or not (settings.export_dir and settings.import_dir)
        ):
            return
        started = time.monotonic()
        if self._boundary_at is not None and started - self._boundary_at < BOUNDARY_EVERY:
            return
        self._boundary_at = started
        self.busy.add("boundary")

        def job() -> Any:
            return terminal.sync_boundary(datetime.now()), terminal.boundary_status()

        def finished(found: Any) -> None:
            self.busy.discard("boundary")
            if self.terminal is not terminal:
                return
            result, status = found
            self._boundary_error = ""
            changed = status.refused != self.boundary_held
            self.boundary_held = status.refused
            if result.exported or result.imported:
                self.notify(
                    tr(
                        "boundary.synced",
                        exported=len(result.exported),
                        imported=len(result.imported),
                        records=result.queued_records,
                    ),
                    severity="warning" if result.problems else "information",
                    markup=False,
                )
            if changed or result.imported:
                self._data_changed()

        def failed(exc: BaseException) -> None:
            self.busy.discard("boundary")
            if self.error_text(exc) != self._boundary_error:  # once, not every 30 s
                self._boundary_error = self.error_text(exc)
                self.show_error(exc)

        self.run_core(job, done=finished, error=failed, name="boundary")

    def export_pdf(
        self,
        entries: list[Any],
        filter_text: str,
        progress: Callable[[Progress], None] | None = None,
        done: Callable[[Any], None] | None = None,
    ) -> None:
        """The 未入力 list (the current search's rows) as the PDF for the counter;
        logged in the terminal's audit log like ``renkei pdf``."""
        terminal = self.terminal
        if terminal is None or "pdf" in self.busy:
            return
        self.busy.add("pdf")
        report = self.progress_fn(progress) if progress else None

        def written(result: Any) -> None:
            self.busy.discard("pdf")
            expires = result.expires_at.astimezone().strftime("%H:%M")
            self.notify(
                tr("pdf.written", path=str(result.path), rows=result.rows, expires=expires),
                timeout=15,
                markup=False,
            )
            if result.unprintable:
                self.notify(
                    tr("pdf.unprintable", n=len(result.unprintable)),
                    severity="warning",
                    markup=False,
                )
            if done:
                done(result)

        def failed(exc: BaseException) -> None:
            self.busy.discard("pdf")
            self.show_error(exc)
            if done:
                done(None)

        def job() -> Any:
            return terminal.export_pdf(
                entries, datetime.now(), filter_text=filter_text, progress=report
            )

        self.notify(tr("pdf.running", rows=len(entries)), markup=False)
        self.run_core(job, done=written, error=failed, name="pdf")

    def enter_date(self, card_number: str, delivered: Any) -> None:
        """Enter a date decided elsewhere (the card check at the counter)."""
        terminal = self.terminal
        if terminal is None:
            return

        def done(result: Any) -> None:
            self.notify(
                tr("entry.done", card=result.card_number, date=dates.echo(result.delivered)),
                markup=False,
            )
            self.entered(result)

        def failed(exc: BaseException) -> None:
            self.show_error(exc)
            if getattr(exc, "key", "") == "operator.conflict":
                self.ask_conflict(exc, card_number, delivered, done, self.show_error)

        self.run_core(terminal.enter, card_number, delivered, done=done, error=failed, name="enter")

    def time_text(self, moment: datetime | None) -> str:
        """How a time is shown (one place, so a test can fix it)."""
        if moment is None:
            return "-"
        if self._time_text is not None:
            return self._time_text(moment)
        return moment.strftime("%m-%d %H:%M")

    def _schedule(self) -> Any:
        if self.schedule is False:
            return None
        if self.schedule:
            return self.schedule
        return self.terminal.schedule if self.terminal is not None else None

    def run_schedule(self, now: datetime) -> None:
        """Ask the schedule what is due (起動時間監視) and start it; report back."""
        schedule = self._schedule()
        if schedule is None or self.terminal is None or self.busy & {"fetch", "send"}:
            return

        def start(jobs: Any) -> None:
            for job in jobs:
                action = getattr(job, "action", job)
                slot = getattr(job, "slot", "")
                if action == "fetch":
                    self._scheduled_fetch(lambda r, s=slot: report("fetch", s, r))
                elif action == "send":
                    self.start_send(done=lambda r, s=slot: report("send", s, r))

        def report(action: str, slot: str, result: Any) -> None:
            if result is not None:
                self.run_core(schedule.done, action, slot, name="schedule")
            else:
                self.run_core(schedule.failed, action, datetime.now(), name="schedule")

        self.run_core(schedule.due, now, done=start, name="schedule")

    def _scheduled_fetch(self, report: Callable[[Any], None], waited: int = 0) -> None:
        """A fetch the schedule started (at unlock, at the fetch time): its progress
        shows on the screen in front when that screen has a progress line (right
        after unlock that screen may still be mounting: wait a few refreshes)."""
        screen = self._mode_screen(self.current_mode)
        if screen is not None and not screen.is_mounted and waited < 20:
            self.call_after_refresh(self._scheduled_fetch, report, waited + 1)
            return
        if screen is None or not screen.is_mounted or not screen.query("#progress-text"):
            self.start_fetch(done=report)
            return

        def begin(progress: Callable[[Progress], None], shown: Callable[[Any], None]) -> None:
            def done(result: Any) -> None:
                shown(result)
                report(result)

            self.start_fetch(progress, done)

        screen.run_with_progress("fetch", begin)

    # -- command palette -------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Any:
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
        await self.switch_mode("entry")
