"""The core thread: every ``Terminal`` call runs on one dedicated thread.

The terminal's SQLite connection stays on the thread that opened it, and the
screen never freezes while a fetch or a send talks to the server: a Textual
thread worker waits for the call and reports back on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

from core.terminal import Progress, ProgressFn

if TYPE_CHECKING:
    from textual.app import App
    from textual.worker import Worker

T = TypeVar("T")


class CoreThread:
    """The one "renkei-core" thread of an App, and the bridge back to its UI thread."""

    def __init__(self, app: App[int]) -> None:
        self._app = app
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="renkei-core")

    def run(
        self,
        fn: Callable[..., T],
        *args: object,
        done: Callable[[T], None] | None,
        error: Callable[[BaseException], None],
        name: str = "core",
    ) -> Worker[None]:
        """Run ``fn(*args)`` here from a worker; ``done(result)`` or ``error(exc)``
        on the UI thread."""
        app = self._app

        def job() -> None:
            try:
                result = self._pool.submit(fn, *args).result()
            except BaseException as exc:  # reported on screen, never swallowed
                app.call_from_thread(error, exc)
                return
            if done is not None:
                app.call_from_thread(done, result)

        return app.run_worker(job, thread=True, name=name, group="core", exit_on_error=False)

    def submit(self, fn: Callable[..., T], *args: object) -> Future[T]:
        """Queue ``fn(*args)`` without waiting (a lock: audit, then close)."""
        return self._pool.submit(fn, *args)

    def progress(self, target: Callable[[Progress], None]) -> ProgressFn:
        """A progress callback safe to call from this thread."""
        return lambda progress: self._app.call_from_thread(target, progress)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
