"""Backups of the app's own store and the files kept beside it, taken while the dashboard runs; and restoring one.

`data/state/` holds the only copy of what editors recorded and member states
submitted. A backup is a dated folder under `data/backups/`:

    store-backup-20261202T090000Z/
        app_state.sqlite3   the store, copied by SQLite's online backup API (one consistent snapshot,
                            taken while other processes read and write)
        submissions/        the kept original files of the submissions
        manifest.json       when, rows per table, and each file's size and sha256

The store is copied first and the files after: a submission's file is written
before its row is committed, so every submission in the copy has its file.
Restoring checks the backup (SQLite's integrity check, every file's sha256),
refuses to replace a store that holds anything unless told to (`--replace`),
and then first takes a backup of what it replaces. It writes into the live
store through the same API, so running dashboards see the restored rows at
their next rerun, without a restart.

    python -m app.backup create [--to DIR]        # also: make backup
    python -m app.backup list [--in DIR]
    python -m app.backup restore FOLDER [--replace]   # also: make restore BACKUP=FOLDER

This module writes only under the backups folder and, when restoring, the store and its files.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import sys
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

from app.store import connection as state
from app.store.submissions import files_dir

BACKUPS_DIR_ENV = "OTS_BACKUP_DIR"
PREFIX = "store-backup-"
MANIFEST = "manifest.json"
FILES = "submissions"


class BackupError(Exception):
    """A backup cannot be made or restored as asked; the message is a sentence for the administrator."""


def backups_dir() -> Path:
    """`data/backups/` (beside `data/state/`), or OTS_BACKUP_DIR."""
    configured = os.environ.get(BACKUPS_DIR_ENV)
    return Path(configured) if configured else state.state_path().parent.parent / "backups"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tables(con: sqlite3.Connection) -> dict[str, int]:
    names = [name for (name,) in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _copy_store(source: Path, target: Path) -> dict[str, int]:
    """A consistent copy of the SQLite store at `source` as one self-contained file; returns rows per table."""
    with closing(sqlite3.connect(source, timeout=state.WAIT_SECONDS)) as live, \
            closing(sqlite3.connect(target, isolation_level=None)) as copy:
        live.backup(copy)  # all pages in one step: one snapshot, whatever other processes commit meanwhile
        copy.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside it
        problems = copy.execute("PRAGMA integrity_check").fetchall()
        if problems != [("ok",)]:
            raise BackupError(f"The copy of the store failed SQLite's integrity check: {problems[:3]}")
        return _tables(copy)


def create(to: Path | None = None, label: str = "") -> Path:
    """Write a dated backup folder of the store and its kept files; returns its path."""
    state.check_available()  # creates the store, or moves an old DuckDB store, before it is copied
    folder = Path(to) if to else backups_dir()
    stamp = datetime.now(timezone.utc)
    name = f"{PREFIX}{stamp:%Y%m%dT%H%M%S}Z" + (f"-{label}" if label else "")
    target = folder / name
    partial = folder / f".{name}.partial"
    if target.exists():
        raise BackupError(f"A backup named {name} already exists in {folder}; wait a second and run it again.")
    shutil.rmtree(partial, ignore_errors=True)
    (partial / FILES).mkdir(parents=True)
    try:
        rows = _copy_store(state.state_path(), partial / state.STORE_FILE)
        files = {}
        source_files = files_dir()
        for kept in sorted(source_files.iterdir()) if source_files.is_dir() else []:
            if kept.is_file():
                shutil.copy2(kept, partial / FILES / kept.name)
                files[kept.name] = {"bytes": kept.stat().st_size, "sha256": _sha256(partial / FILES / kept.name)}
        with closing(sqlite3.connect(partial / state.STORE_FILE)) as copy:
            stored = [name for (name,) in copy.execute("SELECT stored_file FROM submissions")] \
                if "submissions" in rows else []
        missing = sorted(set(stored) - set(files))
        manifest = {"created_at": stamp.isoformat(timespec="seconds"), "store": state.STORE_FILE,
                    "store_sha256": _sha256(partial / state.STORE_FILE), "tables": rows, "files": files,
                    "files_missing": missing}
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target


def read_manifest(backup: Path) -> dict:
    """The backup's manifest, after checking the store copy and every file against it."""
    backup = Path(backup)
    try:
        manifest = json.loads((backup / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(f"{backup} is not a backup of the store: it has no readable {MANIFEST}.") from None
    store_copy = backup / manifest.get("store", state.STORE_FILE)
    if not store_copy.is_file() or _sha256(store_copy) != manifest.get("store_sha256"):
        raise BackupError(f"The store copy in {backup} is missing or has changed since the backup was made.")
    with closing(sqlite3.connect(f"file:{store_copy}?mode=ro", uri=True)) as copy:
        if copy.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
            raise BackupError(f"The store copy in {backup} fails SQLite's integrity check.")
    for name, facts in manifest.get("files", {}).items():
        path = backup / FILES / name
        if not path.is_file() or _sha256(path) != facts["sha256"]:
            raise BackupError(f"The kept file {name} in {backup} is missing or has changed since the backup was made.")
    return manifest


def _summary(tables: dict[str, int]) -> str:
    shown = {"measure_status_edits": "recorded statuses", "meetings_added": "meetings added",
             "submissions": "submissions", "submitted_figures": "submitted figures"}
    return ", ".join(f"{tables.get(table, 0)} {words}" for table, words in shown.items())


def restore(backup: Path, replace: bool = False) -> Path | None:
    """Put a backup back as the store; returns the backup taken of what it replaced (None if nothing was)."""
    manifest = read_manifest(backup)
    state.check_available()
    with state.reading() as con:
        held = _tables(con)
    data_tables = {name: count for name, count in held.items() if name != "store_migrations"}
    aside = None
    if any(data_tables.values()):
        if not replace:
            raise BackupError(f"The store {state.state_path()} holds {_summary(held)}; restoring would replace them. "
                              "Nothing was changed. Run the restore again with --replace: what the store holds now "
                              "is first saved as a backup of its own.")
        aside = create(label="before-restore")
    files = files_dir()
    files.mkdir(parents=True, exist_ok=True)
    for name in manifest.get("files", {}):  # the files first: a restored submission finds its file
        temporary = files / f".{name}.restoring"
        shutil.copy2(Path(backup) / FILES / name, temporary)
        os.replace(temporary, files / name)
    with closing(sqlite3.connect(f"file:{Path(backup) / manifest['store']}?mode=ro", uri=True)) as source, \
            closing(sqlite3.connect(state.state_path(), timeout=state.WAIT_SECONDS, isolation_level=None)) as live:
        source.backup(live)  # into the live store: other processes see it at their next read
        if live.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            live.execute("PRAGMA journal_mode = WAL")
    for kept in files.iterdir():  # files of submissions the restored store does not hold (kept in `aside`)
        if kept.is_file() and kept.name not in manifest.get("files", {}):
            kept.unlink()
    state.close()
    return aside


def list_backups(folder: Path | None = None) -> list[tuple[Path, dict]]:
    folder = Path(folder) if folder else backups_dir()
    found = []
    for path in sorted(folder.glob(f"{PREFIX}*")) if folder.is_dir() else []:
        try:
            found.append((path, json.loads((path / MANIFEST).read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            continue
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.backup", description="Back up or restore the app's store.")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("create", help="write a dated backup of the store and its kept files")
    make.add_argument("--to", type=Path, help="folder for the backup (default data/backups, or OTS_BACKUP_DIR)")
    listing = commands.add_parser("list", help="list backups")
    listing.add_argument("--in", dest="folder", type=Path)
    put_back = commands.add_parser("restore", help="put a backup back as the store")
    put_back.add_argument("backup", type=Path, help="a store-backup-… folder")
    put_back.add_argument("--replace", action="store_true",
                          help="replace a store that holds rows (it is backed up first)")
    args = parser.parse_args(argv)
    import streamlit.logger
    streamlit.logger.set_log_level("error")  # no "no runtime" notices from the app's caches on the command line
    try:
        if args.command == "create":
            made = create(args.to)
            manifest = json.loads((made / MANIFEST).read_text(encoding="utf-8"))
            print(f"Backed up {_summary(manifest['tables'])} and {len(manifest['files'])} kept files to {made}")
            if manifest["files_missing"]:
                print(f"warning: kept files missing from data/state: {', '.join(manifest['files_missing'])}",
                      file=sys.stderr)
        elif args.command == "list":
            for path, manifest in list_backups(args.folder):
                print(f"{path.name}\t{_summary(manifest.get('tables', {}))}\t{len(manifest.get('files', {}))} files")
        else:
            aside = restore(args.backup, replace=args.replace)
            manifest = read_manifest(args.backup)
            print(f"Restored {_summary(manifest['tables'])} and {len(manifest['files'])} kept files from "
                  f"{args.backup} into {state.state_path().parent}")
            if aside is not None:
                print(f"What the store held before is kept in {aside}")
    except (BackupError, state.StoreUnavailable) as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    return 0
