"""The facade's own methods for what the TUI used to reach inside for: the list
PDF, the line connection, the audit log, TLS provisioning."""

from __future__ import annotations

import stat
from datetime import datetime
from pathlib import Path

import pytest

from core import config as core_config
from core.errors import RenkeiError
from core.session import Session
from tests.support.poppler import text_of
from tests.support.vault import new_vault
from tests.support.waiting import many


def test_export_pdf_writes_the_list_and_logs_it(tmp_path: Path) -> None:
    with Session(new_vault(tmp_path / "data")) as terminal:
        entries = many(3)
        made = terminal.export_pdf(entries, datetime.now().astimezone(), held=False)
        assert made.path.parent == terminal.data_dir / "pdf" and made.rows == 3
        assert entries[0].card_number in text_of(made.path)
        actions = [e.action for e in terminal.audit_entries()]
        assert actions[0] == "vault.init" and actions[-1] == "pdf.export"
        assert terminal.verify_audit() == len(actions)


def test_boundary_methods_refuse_when_not_configured(tmp_path: Path) -> None:
    with Session(new_vault(tmp_path / "data")) as terminal:
        with pytest.raises(RenkeiError) as caught:
            terminal.sync_boundary()
        assert caught.value.key.startswith("boundary.")
        status = terminal.boundary_status()
        assert status.refused == ()


def test_provision_tls_copies_privately_and_points_the_settings_there(tmp_path: Path) -> None:
    ca = tmp_path / "given-ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")  # content is not checked here
    with Session(new_vault(tmp_path / "data")) as terminal:
        saved = terminal.provision_tls(ca=str(ca))
        copy = terminal.data_dir / "tls" / "ca.pem"
        assert saved.changed == ("server.ca",)
        assert terminal.config.server.ca == str(copy.resolve())
        assert copy.read_bytes() == ca.read_bytes()
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
        assert core_config.load(terminal.data_dir).server.ca == str(copy.resolve())
        with pytest.raises(RenkeiError) as caught:
            terminal.provision_tls(client_cert=str(tmp_path / "missing.pem"))
        assert caught.value.key == "common.error.file_not_found"
        assert terminal.config.server.client_cert == ""
