"""The facade's own methods for what the TUI used to reach inside for: the list
PDF, the line connection, the audit log, TLS provisioning."""

from __future__ import annotations

import copy
import stat
from datetime import datetime, timedelta
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


# -- what the TUI offers besides the workflows (issue 11: the facade complete) --


def _with_clerk(data: Path) -> None:
    """The admin who made the vault adds a clerk (initial passphrase, changed at
    first login); the vault is closed again."""
    from core.datadir import operators

    with Session(new_vault(data)) as admin:
        operators.add(admin.vault, "clerk1", "clerk", "clerk initial passphrase 1")


def test_operator_role_and_tui_permissions_follow_roles_toml(tmp_path: Path) -> None:
    from core.datadir.roles import Forbidden
    from core.session import change_passphrase, unlock
    from core.vault.errors import MustChangePassphrase

    data = tmp_path / "data"
    _with_clerk(data)
    with unlock(data, "clerk initial passphrase 1", operator="clerk1") as first:
        assert first.operator == "clerk1" and first.role == "clerk"
        with pytest.raises(MustChangePassphrase):
            first.check_ready()  # an initial passphrase: changed before anything else
    change_passphrase(data, "clerk initial passphrase 1", "clerk own passphrase 22", "clerk1")
    with unlock(data, "clerk own passphrase 22", operator="clerk1") as clerk:
        clerk.check_ready()
        # roles.toml [tui]: go.waiting needs clerk, go.settings admin, review.use supervisor
        assert clerk.allows("go.waiting") and not clerk.allows("go.settings")
        assert not clerk.allows("review.use")
        clerk.require("go.waiting")
        with pytest.raises(Forbidden) as caught:
            clerk.require("go.settings")
        assert caught.value.params["needs"] == "admin"
        refused = [e for e in clerk.audit_entries() if e.action == "operator.refused"]
        assert [e.record for e in refused] == ["go.settings"]  # audited, with the action


def test_own_history_holds_only_this_operators_entries(tmp_path: Path) -> None:
    from core.session import change_passphrase, unlock

    data = tmp_path / "data"
    _with_clerk(data)
    change_passphrase(data, "clerk initial passphrase 1", "clerk own passphrase 22", "clerk1")
    with unlock(data, "clerk own passphrase 22", operator="clerk1") as clerk:
        clerk.record_lock()
        mine = clerk.own_history()
        assert mine and {e.actor for e in mine} == {"clerk1"}
        assert mine[-1].action == "vault.lock"
        everyone = {e.actor for e in clerk.audit_entries()}
        assert len(everyone) > 1  # the admin's own entries exist, and are not shown


def test_changes_mark_moves_when_an_entry_is_made(tmp_path: Path) -> None:
    """Two sessions on one data directory (two operators' logins): an entry made
    in one moves the mark the other reads."""
    from datetime import date

    from core.session import unlock
    from tests.support.linkage import (
        PASSPHRASE,
        LinkageServer,
        Sleeps,
        make_terminal,
        spr_file,
        spr_records,
    )

    server = LinkageServer(tmp_path / "server-root").start()
    try:
        data = make_terminal(tmp_path / "terminal", server)
        server.put_notice("spr-131041-20261121-0001.csv", spr_file(spr_records(2)))
        with unlock(data, PASSPHRASE, sleep=Sleeps()) as one:
            one.fetch()
            with unlock(data, PASSPHRASE, sleep=Sleeps()) as other:
                before = other.changes_mark()
                assert other.changes_mark() == before  # reading changes nothing
                one.enter("AB00000000CD", date.today())
                assert other.changes_mark() != before
    finally:
        server.stop()


def test_sweep_pdfs_deletes_a_pdf_whose_time_has_come(tmp_path: Path) -> None:
    with Session(new_vault(tmp_path / "data")) as terminal:
        made = terminal.export_pdf(many(2), datetime.now().astimezone(), held=False)
        assert made.path.exists()
        assert terminal.sweep_pdfs(datetime.now().astimezone(), "due") == 0  # not yet
        later = made.expires_at + timedelta(seconds=1)
        assert terminal.sweep_pdfs(later, "due") == 1
        assert not made.path.exists()


def test_check_settings_names_the_wrong_setting_and_saves_nothing(tmp_path: Path) -> None:
    with Session(new_vault(tmp_path / "data")) as terminal:
        new = copy.deepcopy(terminal.config)
        new.schedule.fetch_time = "25:99"
        problems = terminal.check_settings(new)
        assert [p.column for p in problems] == ["schedule.fetch_time"]
        assert terminal.config.schedule.fetch_time != "25:99"
        assert terminal.check_settings(copy.deepcopy(terminal.config)) == []


def test_card_key_is_the_stored_form_of_a_typed_number(tmp_path: Path) -> None:
    # 在留カード番号: two letters, eight digits, two letters (入管法施行規則 様式)
    with Session(new_vault(tmp_path / "data")) as terminal:
        assert terminal.card_key("ｂｃ 2271-7775 cm") == "BC22717775CM"


def test_describe_notice_numbers_items_as_table_4_1_1(tmp_path: Path) -> None:
    from core.reference import synth

    records = synth.moj_records("131041", 59, 0)
    record = next(r for r in records if r["pattern"] == "H")
    with Session(new_vault(tmp_path / "data")) as terminal:
        view = terminal.describe_notice("moj", record, 2)
    rows = {row.name: row for row in view.items}
    # seed 001, table 4.1.1: No.7 在留期間等, No.8 在留期間の満了の日
    assert rows["在留期間等"].no == "7" and rows["在留期間の満了の日"].no == "8"


def test_pending_names_and_decide_name(tmp_path: Path) -> None:
    from core.report import Problem

    # 边 (U+8FB9) has no 住基統一文字 code; 法務省告示582号 別表第四 / the MJ縮退マップ
    # suggest 辺 (J+8FBA) first (as tests/tui/commands/test_charset_review.py)
    held = [("muni-0001.csv", [Problem(2, "name_kanji", "charset.unmappable", {"char": "边"})])]
    with Session(new_vault(tmp_path / "data")) as terminal:
        pending = terminal.pending_names(held)
        assert [p.text for p in pending] == ["边"]
        assert pending[0].code_points == "U+8FB9"
        assert pending[0].suggestions[0] == "J+8FBA" and pending[0].forms[0] == "辺"
        assert pending[0].places == [("muni-0001.csv", 2, "name_kanji")]
        decision = terminal.decide_name("边", "J+8FBA")
        assert decision.form == "辺"
        assert terminal.pending_names(held) == []  # decided: no longer pending
        assert terminal.audit_entries()[-1].action == "charset.review.decide"


def test_audit_unverified_card_logs_the_reference_not_the_number(tmp_path: Path) -> None:
    from core.card import counter, genuine
    from core.card.residence import CardKind, ChipData

    number = "AB12345678CD"
    chip = ChipData(
        CardKind(2, "1", "residence"),
        number,
        (),
        genuine.Genuineness(genuine.UNVERIFIABLE, "card.genuine.no_ca", {"issuer": "CA-X"}),
    )
    handover = counter.proposal(number, chip, datetime(2027, 1, 4).date())
    assert handover.confirm
    with Session(new_vault(tmp_path / "data")) as terminal:
        terminal.audit_unverified_card(number, handover)
        last = terminal.audit_entries()[-1]
        assert last.action == counter.AUDIT_UNVERIFIED and last.result == "confirmed"
        assert last.record == terminal.vault.store.ref(number) and number not in str(last)
