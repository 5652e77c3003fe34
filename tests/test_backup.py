"""Backups of the store and its kept files, made while the store is in use, restored into a fresh folder whole."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest

from app import cached
from app import uploads as submissions
from app.store import backup
from app.store import measures as measures_store
from app.store import connection as state
from app.store import submissions as submissions_store
from app.queries import common, figures, measures
from tests.conftest import PROJECT_ROOT, app_reading

SOURCE = "Letter of the Ministry, 3 March 2021"
CORPUS = PROJECT_ROOT / "tests" / "fixtures" / "submissions"


def command(*args: str) -> subprocess.CompletedProcess:
    """`python -m app.backup …` as an administrator runs it, on the store the test points at."""
    return subprocess.run([sys.executable, "-m", "app.backup", *args], cwd=PROJECT_ROOT, env=dict(os.environ),
                          capture_output=True, text=True, timeout=120)


def record(iso3: str, status: str, note: str) -> int:
    seen = cached.run_uncached(measures.cell_status, "M1-STAY", iso3)["row_key"].iloc[0]
    return measures_store.record_status("M1-STAY", iso3, status, "2021-06-01", note, SOURCE, "aydin", "Aydın K.", seen)


def submit(content: bytes, name: str) -> str:
    preview = submissions.check(content, name, set(cached.run_uncached(common.countries)["iso3"]),
                                cached.run_uncached(figures.all_figures))
    return submissions.confirm(preview, content, "aydin")


def everything() -> dict:
    """Every row of every table of the store, and every kept file's bytes."""
    with state.reading() as con:
        tables = [name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        rows = {name: con.execute(f"SELECT * FROM {name}").fetchall() for name in tables}
    folder = submissions_store.files_dir()
    return {"rows": rows, "files": {p.name: p.read_bytes() for p in folder.iterdir()} if folder.is_dir() else {}}


def test_a_backup_taken_during_writes_restores_whole_into_a_fresh_folder(built_db, tmp_path, monkeypatch):
    with app_reading(built_db, tmp_path / "live", monkeypatch):
        record("KAZ", "in progress", "Decree drafted")
        measures_store.add_meeting("2021-05-01", "Online meeting", "Minutes", [
            measures_store.MeasureDraft("Visa-free transit", "Transit without a visa", "Visas")], "aydin", "Aydın K.")
        first = submit((CORPUS / "good_bom_crlf.csv").read_bytes(), "kaz.csv")
        submissions_store.withdraw(first, "aydin", "sent twice")
        submit((CORPUS / "good.xlsx").read_bytes(), "kaz.xlsx")

        # Another writer keeps recording while the administrator's command copies the store.
        stop, written = threading.Event(), []

        def keep_writing():
            while not stop.is_set() and len(written) < 50:
                written.append(record(("AZE", "KGZ")[len(written) % 2], ("in progress", "implemented")[len(written) % 2],
                                      f"during the backup {len(written)}"))
        writer = threading.Thread(target=keep_writing)
        writer.start()
        try:
            made = command("create")
        finally:
            stop.set()
            writer.join()
        assert made.returncode == 0, made.stderr
        assert made.stdout.startswith("Backed up ") and " kept files to " in made.stdout
        folder = next((tmp_path / "live" / "backups").glob("store-backup-*"))
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["files_missing"] == [] and len(manifest["files"]) == 2
        held_then = manifest["tables"]["measure_status_edits"]
        assert 1 + 7 <= held_then <= 1 + 7 + len(written)  # a snapshot somewhere in the middle of the writes
        original = everything()

    # A fresh data folder: restored from the backup, it holds exactly what the store held at the backup.
    with app_reading(built_db, tmp_path / "fresh", monkeypatch):
        restored = command("restore", str(folder))
        assert restored.returncode == 0, restored.stderr
        now = everything()
        assert now["files"] == original["files"]
        assert len(now["rows"]["measure_status_edits"]) == held_then
        edits_then = {row for row in original["rows"]["measure_status_edits"] if row[0] <= held_then}
        assert set(now["rows"]["measure_status_edits"]) == edits_then
        for table in ("meetings_added", "measures_added", "submissions", "submitted_figures", "store_migrations"):
            assert sorted(now["rows"].get(table, [])) == sorted(original["rows"].get(table, [])), table
        # The pages see it: the recorded status, the withdrawn and the standing submission, their files.
        assert cached.run_uncached(measures.cell_status, "M1-STAY", "KAZ").iloc[0]["status"] == "in progress"
        history = submissions_store.history().set_index("submission_id")
        assert history.at[first, "status"] == "withdrawn"
        assert all(submissions_store.kept_file(sid) is not None for sid in history.index)
        # The next recorded status gets a new id.
        assert record("TUR", "implemented", "after the restore") == held_then + 1


def test_a_restore_never_replaces_a_store_without_being_told_and_keeps_what_it_replaces(app_env, tmp_path):
    record("KAZ", "in progress", "the first")
    folder = backup.create(tmp_path / "kept")
    record("UZB", "implemented", "after the backup")
    before = everything()

    refused = command("restore", str(folder))
    assert refused.returncode == 2
    assert "holds 2 recorded statuses" in refused.stderr and "Nothing was changed" in refused.stderr
    assert everything() == before

    replaced = command("restore", str(folder), "--replace")
    assert replaced.returncode == 0, replaced.stderr
    aside = replaced.stdout.strip().splitlines()[-1].removeprefix("What the store held before is kept in ")
    assert aside.endswith("-before-restore")
    state.close()
    assert len(everything()["rows"]["measure_status_edits"]) == 1
    assert backup.read_manifest(aside)["tables"]["measure_status_edits"] == 2


def test_a_damaged_or_altered_backup_is_refused(app_env, tmp_path):
    record("KAZ", "in progress", "the first")
    folder = backup.create(tmp_path / "kept")
    with (folder / state.STORE_FILE).open("r+b") as copy:
        copy.seek(4096)
        copy.write(b"\x00" * 64)
    with pytest.raises(backup.BackupError, match="has changed since the backup was made"):
        backup.restore(folder, replace=True)
    with pytest.raises(backup.BackupError, match="has no readable manifest.json"):
        backup.restore(tmp_path, replace=True)
