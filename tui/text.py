"""UI strings: every one lives in ``core/i18n/messages/ui.toml`` (ja and en)."""

from __future__ import annotations

from typing import Any

from core import i18n


def tr(key: str, /, **params: Any) -> str:
    """The UI message ``ui.<key>`` in the process language."""
    return i18n.t(f"ui.{key}", **params)
