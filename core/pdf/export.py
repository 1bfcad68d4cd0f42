"""Write the 未入力 list PDF: the one function the TUI key and ``renkei pdf`` call.

The PDF is made in memory, recorded with its expiry, then written with the
durable-write helper (mode 0600; a crash leaves the old file or the whole new
one, never half a PDF), so no PDF exists that a sweep does not know of. The
PDF itself is the operator's explicit export and so is the one place the list
is on disk in plaintext (unless a password is set); nothing else is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from core.config import Config
from core.durable import write_atomic
from core.errors import RenkeiError
from core.model import ProgressFn, WaitingEntry
from core.paths import PDF_DIR
from core.pdf import lifetime
from core.pdf.document import ListHeader, Unprintable, render, sort_entries

AUDIT_ACTION = "pdf.export"


class AuditLike(Protocol):
    """``core.store.audit.Audit`` (an unlocked terminal's audit log)."""

    def append(self, action: str, *, actor: str = "", record: str = "", result: str = "ok",
               detail: str = "") -> int: ...  # fmt: skip


DEFAULT_NAME = "kofu-minyuryoku-{stamp}.pdf"


@dataclass(frozen=True)
class PdfExport:
    """What the operator is told: where the PDF is, when it goes, what did not print."""

    path: Path
    rows: int
    pages: int
    created_at: datetime  # UTC
    expires_at: datetime  # UTC
    encrypted: bool
    unprintable: tuple[Unprintable, ...]


def default_path(data_dir: Path, now: datetime) -> Path:
    """Where the TUI puts the list: ``<data>/pdf/`` (the 交付日未入力PDFフォルダ of the
    seed), made here (0700) if missing."""
    folder = data_dir / PDF_DIR
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder / DEFAULT_NAME.format(stamp=f"{now.astimezone():%Y%m%d-%H%M%S}")


def check_target(out: Path) -> Path:
    """``out`` as an absolute path, or a clear error when it cannot be written there."""
    target = Path(out).expanduser().absolute()
    if target.is_dir():
        raise RenkeiError("pdf.out.is_directory", path=str(target))
    if not target.parent.is_dir():
        raise RenkeiError("pdf.out.directory", path=str(target.parent))
    return target


def export_list(
    entries: Sequence[WaitingEntry],
    out: Path,
    *,
    store: lifetime.StoreLike,
    config: Config,
    now: datetime,
    filter_text: str = "",
    sort_key: str | None = None,
    password: str | None = None,
    progress: ProgressFn | None = None,
    held: bool = False,
    audit: AuditLike | None = None,
    operator: str = "",
) -> PdfExport:
    """Write ``entries`` (the whole list, or the rows of the search ``filter_text``)
    as the list PDF at ``out``, sorted by ``sort_key`` (default ``[pdf] sort_key``).

    ``held``: the calling process (the TUI) stays running and sweeps; if it dies,
    the next start-up deletes the PDF. ``now`` is the caller's clock. ``audit``:
    the export is an operator action, logged there (without the filter, which
    may be a name).
    """
    target = check_target(out)
    key = sort_key or config.pdf.sort_key
    rows = sort_entries(entries, key)
    header = ListHeader(
        municipality=config.terminal.municipality,
        lasdec=config.terminal.lasdec,
        generated_at=now,
        filter_text=filter_text,
        sort_key=key,
    )
    rendered = render(
        rows,
        header,
        password=password or None,
        progress=progress,
        date_display=getattr(config.ui, "date_display", "両方"),
    )
    expires = lifetime.expiry_for(now, config)
    record = lifetime.begin(store, target, now, expires, held=held)
    try:
        write_atomic(target, rendered.data)
    except OSError as exc:
        lifetime.abandon(store, record, now)
        if audit is not None:
            audit.append(AUDIT_ACTION, actor=operator, result="failed", detail=str(exc))
        raise RenkeiError("pdf.out.write_failed", path=str(target), reason=str(exc)) from exc
    lifetime.written(store, record, target)
    if audit is not None:
        audit.append(
            AUDIT_ACTION,
            actor=operator,
            detail=(
                f"path={target} rows={rendered.rows} filtered={'yes' if filter_text else 'no'}"
                f" encrypted={'yes' if password else 'no'} unprintable={len(rendered.unprintable)}"
                f" expires={expires.isoformat(timespec='seconds')}"
            ),
        )
    return PdfExport(
        path=target,
        rows=rendered.rows,
        pages=rendered.pages,
        created_at=lifetime.utc(now),
        expires_at=expires,
        encrypted=bool(password),
        unprintable=rendered.unprintable,
    )
