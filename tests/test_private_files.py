"""Files arwatch keeps are private (issue 15, point 5): the state store is created 0600 in a
0700 folder; a secrets or token file others can read is refused with the chmod to run."""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest
from pydantic import SecretStr

from arwatch.adapters.quickbooks import make_adapter as make_qbo_adapter
from arwatch.adapters.quickbooks.tokens import TokenFileError, Tokens, TokenStore
from arwatch.core.clock import fixed_clock
from arwatch.core.contract import ConfigError
from arwatch.sync.config import CompanyConfig, load_secrets
from arwatch.sync.store import open_store

ACCESS_TOKEN = "access-token-never-shown"


def mode_of(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_state_store__file_and_folder_created_private(tmp_path):
    path = tmp_path / "new" / "deeper" / "state.sqlite3"
    store = open_store(path)
    assert store.locks.holder("x") is None  # connected, in WAL mode
    assert mode_of(tmp_path / "new") == 0o700 and mode_of(path.parent) == 0o700
    assert mode_of(path) == 0o600
    for companion in ("state.sqlite3-wal", "state.sqlite3-shm"):  # SQLite copies the file's mode
        assert mode_of(path.parent / companion) == 0o600


def test_state_store__private_whatever_the_umask(tmp_path):
    old = os.umask(0o000)
    try:
        path = tmp_path / "open" / "state.sqlite3"
        open_store(path).close()
    finally:
        os.umask(old)
    assert mode_of(path.parent) == 0o700 and mode_of(path) == 0o600


def test_state_store__existing_file_and_folder_left_as_they_are(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o750)
    os.chmod(folder, 0o750)
    path = folder / "state.sqlite3"
    open_store(path).close()
    os.chmod(path, 0o640)  # the owner chose a group-readable store
    open_store(path).close()
    assert mode_of(folder) == 0o750 and mode_of(path) == 0o640


# --- secrets and token files ----------------------------------------------------------------


def save_tokens(path) -> TokenStore:
    store = TokenStore(path)
    store.save(Tokens.from_grant("123", ACCESS_TOKEN, "refresh-never-shown", 3600, None,
                                 dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc)))
    return store


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_token_file__readable_by_others_refused_with_the_chmod_to_run(tmp_path, mode):
    store = save_tokens(tmp_path / "tokens.json")
    assert mode_of(store.path) == 0o600 and store.load().realm_id == "123"
    os.chmod(store.path, mode)
    with pytest.raises(TokenFileError, match=rf"accessible by group or others \(mode {mode:04o}\); "
                                             rf"run: chmod 600 {store.path}") as caught:
        store.load()
    assert ACCESS_TOKEN not in str(caught.value)
    os.chmod(store.path, 0o600)
    assert store.load().realm_id == "123"


def test_token_file__readable_by_others_is_a_config_error_of_the_company(tmp_path):
    tokens = save_tokens(tmp_path / "acme.qbo-tokens.json")
    os.chmod(tokens.path, 0o644)
    company = CompanyConfig(name="acme", source="quickbooks", credentials="acme-qbo",
                            settings={"client_id": "abc", "token_path": str(tokens.path)})
    with pytest.raises(ConfigError, match=r"chmod 600 .*acme\.qbo-tokens\.json") as caught:
        make_qbo_adapter(company, open_store(tmp_path / "s.db"), {"client_secret": SecretStr("s3cr3t")},
                         fixed_clock(dt.date(2024, 1, 5)))
    assert ACCESS_TOKEN not in str(caught.value) and "s3cr3t" not in str(caught.value)


def test_secrets_file__readable_by_others_refused_with_the_chmod_to_run(tmp_path):
    path = tmp_path / "secrets.toml"
    path.write_text('[acme]\napi_key = "k-never-shown"\n')
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError, match=rf"chmod 600 {path}") as caught:
        load_secrets(path)
    assert "k-never-shown" not in str(caught.value)


# --- what the commands write: outbox, exports, reports (audit: 0644 files in 0755 folders) ---


@pytest.fixture
def usual_umask():
    """The usual 022 umask (files 0644, folders 0755 unless the writer says otherwise)."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_outputs__outbox_exports_and_reports_are_private(tmp_path, usual_umask, capsys):
    from sync_helpers import IBM_EXCERPT, file_settings, write_config

    from arwatch.cli import main

    outbox = tmp_path / "out" / "acme"  # neither folder exists yet
    config = write_config(tmp_path / "arwatch.toml", {"acme": {"source": "file", "settings": file_settings(
        IBM_EXCERPT, outbox)}}, state_url=str(tmp_path / "state.sqlite3"))
    common = ["--config", str(config), "--source", "acme"]
    assert main(["sync", *common, "--as-of", "2013-06-01"]) == 0
    exports = tmp_path / "exports"
    exports.mkdir()
    os.chmod(exports, 0o750)
    (exports / "acme.xlsx").write_bytes(b"an older export, 0644")
    assert main(["export", *common, "--out", str(exports / "acme.xlsx")]) == 0
    assert main(["export", *common, "--format", "csv", "--out", str(exports / "acme")]) == 0
    assert main(["report", *common, "--out", str(exports / "acme.html")]) == 0
    capsys.readouterr()

    files = sorted(p for p in tmp_path.rglob("*") if p.is_file() and p.parent != tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in files}
    assert {"out/acme/worklist.csv", "out/acme/worklist.json", "out/acme/changes.jsonl", "exports/acme.xlsx",
            "exports/acme-worklist.csv", "exports/acme-aging.csv", "exports/acme.html"} <= names, names
    assert {p.relative_to(tmp_path).as_posix(): oct(mode_of(p)) for p in files if mode_of(p) != 0o600} == {}
    assert mode_of(tmp_path / "out") == 0o700 and mode_of(outbox) == 0o700  # made by arwatch
    assert mode_of(exports) == 0o750  # there already: left as it is
    assert (exports / "acme.xlsx").read_bytes()[:2] == b"PK"  # the new workbook, in place of the old file
    assert not list(tmp_path.rglob("*.tmp"))
    assert os.umask(0o022) == 0o022  # the command gave the umask back

    # a report or export into a folder that is not there yet: the folder is made, 0700
    assert main(["report", *common, "--out", str(tmp_path / "reports" / "2013" / "acme.html")]) == 0
    assert main(["export", *common, "--format", "csv", "--out", str(tmp_path / "csv" / "acme")]) == 0
    for folder in ("reports", "reports/2013", "csv"):
        assert mode_of(tmp_path / folder) == 0o700, folder
    assert mode_of(tmp_path / "reports" / "2013" / "acme.html") == 0o600


def test_outputs__a_symbolic_link_is_written_through(tmp_path, usual_umask):
    """(as ``--out /dev/stdout`` is: a link to the process's output, written, never replaced)"""
    from arwatch.files import write_private

    target = tmp_path / "shared.html"
    target.write_text("old")
    os.chmod(target, 0o640)
    link = tmp_path / "latest.html"
    link.symlink_to(target)
    write_private(link, "<p>new</p>")  # the link stays a link, its file keeps the mode its owner chose
    assert link.is_symlink() and target.read_text() == "<p>new</p>" and mode_of(target) == 0o640
