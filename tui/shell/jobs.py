"""``Job[T]``: an exclusive job (one fetch, one send, one PDF at a time).

Fetch, send, the PDF and the line sync each had their own copy of "mark busy,
run on the core thread, clear busy, report or show the error, tell the
caller": that is done here, once, with the result typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

T = TypeVar("T")


class Runner(Protocol):
    """What a job needs of the App: the core thread and the error display."""

    def run_core(
        self,
        fn: Callable[..., T],
        *args: object,
        done: Callable[[T], None] | None = None,
        error: Callable[[BaseException], None] | None = None,
        name: str = "core",
    ) -> object: ...

    def show_error(self, exc: BaseException) -> None: ...


@dataclass(frozen=True)
class Job(Generic[T]):
    """``call`` on the core thread as the job ``name``; then ``finished(result)``
    or ``failed(exc)`` (default: the error shown); then ``done(result or None)``."""

    name: str
    call: Callable[[], T]
    finished: Callable[[T], None] | None = None
    failed: Callable[[BaseException], None] | None = None
    done: Callable[[T | None], None] | None = None


class Jobs:
    """The jobs running now, by name (``busy``: what the screens and asks read)."""

    def __init__(self, runner: Runner) -> None:
        self._runner = runner
        self.busy: set[str] = set()

    def start(self, job: Job[T]) -> bool:
        """Start ``job`` unless one of its name runs; whether it started."""
        if job.name in self.busy:
            return False
        self.busy.add(job.name)

        def finished(result: T) -> None:
            self.busy.discard(job.name)
            if job.finished is not None:
                job.finished(result)
            if job.done is not None:
                job.done(result)

        def failed(exc: BaseException) -> None:
            self.busy.discard(job.name)
            (job.failed or self._runner.show_error)(exc)
            if job.done is not None:
                job.done(None)

        self._runner.run_core(job.call, done=finished, error=failed, name=job.name)
        return True
