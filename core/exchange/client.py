"""The terminal's side of PROTOCOL.md, over httpx.

TLS is always verified against the configured CA (``verify=False`` does not
exist here); plain HTTP only when the configuration allows it. Every call is
retried with exponential backoff and full jitter on connection errors and on
408/429/500/502/503/504, honouring ``Retry-After``; other errors become
``ServerProblem`` with a catalogue key, so the operator reads a clear message.
"""

from __future__ import annotations

import email.utils
import hashlib
import random
import ssl
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from core.config import LimitsSettings, ServerSettings
from core.exchange import protocol as p
from core.exchange.listing import Refused, check_entry
from core.textsafe import shown

if TYPE_CHECKING:  # httpx imports rich when it is installed: load it only when used
    import httpx

_T = TypeVar("_T")  # what one request attempt returns

BACKOFF_BASE = 0.5  # seconds before the first retry (then doubled, jittered)
BACKOFF_CAP = 30.0
RETRY_AFTER_CAP = 300.0

Sleep = Callable[[float], None]


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def tls_context(settings: ServerSettings) -> ssl.SSLContext:
    """Verify against the configured CA only (the system store is not trusted for LGWAN)."""
    if not settings.ca:
        raise p.ExchangeError("exchange.error.no_ca")
    try:
        ctx = ssl.create_default_context(cafile=settings.ca)
    except (FileNotFoundError, ssl.SSLError, OSError) as exc:
        raise p.ExchangeError("exchange.error.bad_ca", path=settings.ca, detail=str(exc)) from exc
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    if settings.client_cert:
        try:
            ctx.load_cert_chain(settings.client_cert, settings.client_key or None)
        except (FileNotFoundError, ssl.SSLError, OSError) as exc:
            raise p.ExchangeError(
                "exchange.error.bad_client_cert", path=settings.client_cert, detail=str(exc)
            ) from exc
    return ctx


class Client:
    """One connection pool to the linkage server. Use as a context manager."""

    def __init__(
        self,
        settings: ServerSettings,
        *,
        sleep: Sleep = time.sleep,
        backoff_base: float = BACKOFF_BASE,
        limits: LimitsSettings | None = None,
        lasdec: str = "",
    ) -> None:
        url = settings.url.rstrip("/")
        if not url:
            raise p.ExchangeError("exchange.error.no_server")
        scheme = url.split(":", 1)[0].lower()
        if scheme == "http" and not settings.allow_http:
            raise p.ExchangeError("exchange.error.plain_http", url=url)
        if scheme not in ("http", "https"):
            raise p.ExchangeError("exchange.error.bad_url", url=url)
        if not settings.token:
            raise p.ExchangeError("exchange.error.no_token")
        self.settings = settings
        self.url = url
        self.retries = max(0, int(settings.retries))
        self.sleep = sleep
        self.backoff_base = backoff_base
        self.limits = limits or LimitsSettings()
        self.lasdec = lasdec  # listed names must be this municipality's when set
        self.refused: list[Refused] = []  # listing entries refused by the last list_notices
        self._deadline = 0.0
        import httpx

        verify: ssl.SSLContext | bool = tls_context(settings) if scheme == "https" else True
        self.http = httpx.Client(
            base_url=url,
            verify=verify,
            proxy=settings.proxy or None,
            trust_env=False,
            timeout=httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=settings.connect_timeout,
            ),
            headers={"Authorization": f"Bearer {settings.token}", "User-Agent": "renkei"},
            follow_redirects=False,
        )
        self.attempts = 0  # requests made, retries included (tests and status read it)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the retry loop --------------------------------------------------------

    def _pause(self, attempt: int, retry_after: float | None) -> None:
        if retry_after is not None:
            delay = min(retry_after, RETRY_AFTER_CAP)
        else:
            delay = random.uniform(0, min(BACKOFF_CAP, self.backoff_base * 2**attempt))
        self.sleep(delay)

    def _call(self, attempt_fn: Callable[[], _T]) -> _T:
        """Run ``attempt_fn`` (one request) with retries; it returns or raises."""
        import httpx

        attempt = 0
        self._deadline = time.monotonic() + self.limits.request_deadline_seconds
        while True:
            self.attempts += 1
            try:
                return attempt_fn()
            except _Retry as retry:
                last: p.ExchangeError = retry.error
                retry_after = retry.retry_after
            except httpx.TimeoutException as exc:
                last = p.ExchangeError(
                    "exchange.error.timeout", url=self.url, detail=type(exc).__name__
                )
                retry_after = None
            except httpx.TransportError as exc:
                last = p.ExchangeError("exchange.error.connection", url=self.url, detail=_why(exc))
                retry_after = None
            if attempt >= self.retries or time.monotonic() >= self._deadline:
                raise last
            self._pause(attempt, retry_after)
            attempt += 1

    def _in_time(self) -> None:
        """The total deadline of the request (a peer may trickle one byte at a
        time, each within the read timeout)."""
        if time.monotonic() >= self._deadline:
            raise Refused("guard.deadline", seconds=f"{self.limits.request_deadline_seconds:g}")

    def _body(self, response: httpx.Response, limit: int) -> bytes:
        """The body of a streamed answer, at most ``limit`` bytes, within the deadline."""
        out = bytearray()
        for chunk in response.iter_bytes():
            out.extend(chunk)
            if len(out) > limit:
                raise Refused("guard.answer.too_big", limit=limit)
            self._in_time()
        return bytes(out)

    def _check(self, response: httpx.Response) -> httpx.Response:
        if response.is_success:
            return response
        body = self._body(response, self.limits.max_answer_bytes)
        error = p.ServerProblem.from_response(
            response.status_code, response.headers.get("content-type", ""), body
        )
        if response.status_code in p.RETRYABLE_STATUS:
            raise _Retry(error, _retry_after(response.headers.get("retry-after")))
        raise error

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        import json

        def attempt() -> Any:
            with self.http.stream(method, path, **kwargs) as response:
                self._check(response)
                body = self._body(response, self.limits.max_answer_bytes)
            try:
                return json.loads(body)
            except ValueError as exc:
                raise p.ExchangeError("exchange.error.bad_answer", detail=shown(exc)) from exc

        return self._call(attempt)

    # -- the calls of PROTOCOL.md ---------------------------------------------

    def server_time(self) -> datetime:
        raw = self._json("GET", p.TIME)
        try:
            now = datetime.fromisoformat(str(raw["now"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise p.ExchangeError("exchange.error.bad_answer", detail=f"time: {exc}") from exc
        return now if now.tzinfo else now.replace(tzinfo=UTC)

    def list_notices(self) -> list[p.NoticeFile]:
        """Every MOJ notice file not yet receipted (all pages), each entry checked
        against ``core.exchange.listing``; refused entries are left out and kept
        in ``self.refused``. At most ``max_listing_pages`` pages (more is a
        ``Refused``: nothing of the listing is used) and ``max_files_per_fetch``
        files (the rest comes next time)."""
        out: list[p.NoticeFile] = []
        seen: set[str] = set()
        self.refused = []
        cursor = ""
        pages = 0
        while True:
            pages += 1
            if pages > self.limits.max_listing_pages:
                raise Refused("guard.listing.pages", limit=self.limits.max_listing_pages)
            params = {"after": cursor} if cursor else {}
            raw = self._json("GET", p.NOTICES, params=params)
            files = raw.get("files", []) if isinstance(raw, dict) else []
            if not isinstance(files, list) or not files:
                return out
            for entry in files:
                try:
                    item = check_entry(entry, self.limits, self.lasdec)
                except Refused as exc:
                    self.refused.append(exc)
                    continue
                if item.file_id in seen:
                    continue  # the same file again on a later page
                if len(out) >= self.limits.max_files_per_fetch:
                    self.refused.append(
                        Refused("guard.listing.more", limit=self.limits.max_files_per_fetch)
                    )
                    return out
                seen.add(item.file_id)
                out.append(item)
            new_cursor = raw.get("cursor", "")
            if not isinstance(new_cursor, str) or not new_cursor or new_cursor == cursor:
                return out
            cursor = new_cursor[:1024]

    def download(
        self,
        item: p.NoticeFile,
        write: Callable[[bytes], None],
        progress: Callable[[int, int], None] | None = None,
    ) -> str:
        """Stream ``item`` into ``write``, resuming with ``Range`` after a broken
        link; returns the SHA-256 (hex) of what was written. The caller compares
        it with the listing's and decides (a mismatch is not retried here)."""
        state: dict[str, Any] = {"got": 0, "hash": hashlib.sha256(), "etag": ""}

        def attempt() -> None:
            headers = {}
            if state["got"]:
                headers["Range"] = f"bytes={state['got']}-"
            with self.http.stream("GET", p.notice_path(item.file_id), headers=headers) as response:
                self._check(response)
                length = response.headers.get("content-length", "")
                resumed = state["got"] if response.status_code == 206 else 0
                if length.isdigit() and resumed + int(length) > item.size:
                    raise Refused(
                        "guard.download.over_listed", file=shown(item.name), size=item.size
                    )
                etag = response.headers.get("etag", "")
                skip = 0
                if state["got"]:
                    if state["etag"] and etag != state["etag"]:
                        raise p.ExchangeError("exchange.error.changed", file=shown(item.name))
                    if response.status_code == 200:  # the range was ignored: skip what we have
                        skip = state["got"]
                state["etag"] = etag
                for chunk in response.iter_bytes():
                    if skip:
                        cut = min(skip, len(chunk))
                        chunk, skip = chunk[cut:], skip - cut
                        if not chunk:
                            continue
                    if state["got"] + len(chunk) > item.size:
                        raise Refused(
                            "guard.download.over_listed", file=shown(item.name), size=item.size
                        )
                    self._in_time()
                    write(chunk)
                    state["hash"].update(chunk)
                    state["got"] += len(chunk)
                    if progress:
                        progress(state["got"], item.size)

        self._call(attempt)
        return str(state["hash"].hexdigest())

    def receipt(self, file_id: str, sha256: str) -> dict[str, Any]:
        """取得通知: only after the file is stored encrypted and fsynced."""
        answer = self._json("POST", p.receipt_path(file_id), json={"sha256": sha256})
        if not isinstance(answer, dict):
            raise p.ExchangeError("exchange.error.bad_answer", detail="receipt: not an object")
        return answer

    def send_municipal(
        self, body: bytes, idempotency_key: str, name: str = ""
    ) -> tuple[int, p.SendAnswer]:
        """POST one municipal notice file; (status, 送信通知). Safe to repeat with
        the same key: the server answers the same result with 200."""
        headers = {
            "Content-Type": p.CSV_TYPE,
            p.IDEMPOTENCY_KEY: idempotency_key,
            p.CONTENT_DIGEST: p.content_digest(body),
        }
        if name:
            headers["Content-Disposition"] = f'attachment; filename="{name}"'

        def attempt() -> tuple[int, p.SendAnswer]:
            response = self._check(self.http.post(p.MUNICIPAL, content=body, headers=headers))
            try:
                return response.status_code, p.SendAnswer.from_json(response.json())
            except ValueError as exc:
                raise p.ExchangeError("exchange.error.bad_answer", detail=str(exc)) from exc

        return self._call(attempt)

    def holdings(self) -> p.Holdings:
        """What the server holds from this terminal (uploads by key, 取得通知)."""
        raw = self._json("GET", p.HOLDINGS)
        if not isinstance(raw, dict):
            raise p.ExchangeError("exchange.error.bad_answer", detail="holdings: not an object")
        return p.Holdings.from_json(raw)

    def municipal_result(self, receipt_id: str) -> p.SendAnswer:
        return p.SendAnswer.from_json(self._json("GET", p.municipal_result_path(receipt_id)))


class _Retry(Exception):
    def __init__(self, error: p.ExchangeError, retry_after: float | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after


def _why(exc: BaseException) -> str:
    """The innermost reason of a transport error (e.g. the certificate check)."""
    seen = exc
    while seen.__cause__ is not None or seen.__context__ is not None:
        seen = seen.__cause__ or seen.__context__  # type: ignore[assignment]
    text = str(seen) or type(seen).__name__
    return text if text == str(exc) else f"{exc}: {text}"
