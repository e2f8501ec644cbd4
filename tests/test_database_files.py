"""Which files clinicwatch opens, and how: commands that only read never write; another
application's SQLite file is refused untouched (exit 3); only crawl, run and nightly create a
database, and only in a new or empty file (issue 12, item 9)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from db import DatabaseError, open_db
from db.schema import MIGRATIONS, schema_version
from db.store import PostRecord, save_post, upsert_site
from tests.conftest import clinicwatch


def other_application_file(path: Path, user_version: int = 0) -> bytes:
    """An SQLite file of some other program (rollback journal, its own tables); returns its bytes."""
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"
                       "INSERT INTO notes (body) VALUES ('buy milk'), ('call the lab');"
                       f"PRAGMA user_version = {user_version};")
    conn.commit()
    conn.close()
    return path.read_bytes()


def clinicwatch_file(path: Path) -> bytes:
    db = open_db(path)
    site = upsert_site(db, "C", "https://c.example/blog/")
    save_post(db, PostRecord(site_id=site, url="https://c.example/blog/a/", text="Ketamine and synapses.",
                             content_hash="h1", title="A"))
    db.conn.close()  # the last connection checkpoints the WAL into the file
    return path.read_bytes()


def sources_file(tmp_path: Path) -> Path:
    sources = tmp_path / "sources.toml"
    sources.write_text('[[sites]]\nname = "C"\nurl = "http://127.0.0.1:9/blog/"\n')
    return sources


@pytest.mark.parametrize("user_version", [0, 3])
def test_another_applications_file_is_refused_untouched_by_every_command(tmp_path, user_version):
    other = tmp_path / "other.db"
    before = other_application_file(other, user_version)
    sources = sources_file(tmp_path)
    commands = [
        ["stats"], ["serve", "--port", "9"], ["export", "--format", "csv"], ["report", "-o", tmp_path / "charts"],
        ["reextract"], ["summarize"], ["migrate"],
        ["crawl", "--sources", sources, "--allow-private-hosts"],
    ]
    for command in commands:
        result = clinicwatch(*command, "--db", other, check=False)
        assert result.returncode == 3, (command, result.stderr)
        assert "not a clinicwatch database" in result.stderr and "other.db" in result.stderr, command
        assert "Traceback" not in result.stderr, command
        assert other.read_bytes() == before, command
        assert not Path(f"{other}-wal").exists(), command
    assert sqlite3.connect(other).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_read_only_commands_never_write_a_clinicwatch_database(tmp_path):
    path = tmp_path / "cw.db"
    before = clinicwatch_file(path)
    assert "C" in clinicwatch("stats", "--db", path).stdout
    assert path.read_bytes() == before
    db = open_db(path, read_only=True)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        db.execute("DELETE FROM posts")
    assert path.read_bytes() == before


def test_an_older_schema_is_refused_by_read_only_commands_until_migrated(tmp_path):
    path = tmp_path / "old.db"
    old = open_db(path, migrate_schema=False)
    for version, script in enumerate(MIGRATIONS[:-1], start=1):
        old.conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;")
    old.conn.close()
    before = path.read_bytes()
    for command in (["stats"], ["serve", "--port", "9"]):
        refused = clinicwatch(*command, "--db", path, check=False)
        assert refused.returncode == 3 and f"clinicwatch migrate --db {path}" in refused.stderr, refused.stderr
        assert path.read_bytes() == before
    migrated = clinicwatch("migrate", "--db", path)
    assert f"schema version {len(MIGRATIONS)} (was {len(MIGRATIONS) - 1})" in migrated.stdout
    assert clinicwatch("stats", "--db", path).returncode == 0
    assert "up to date" in clinicwatch("migrate", "--db", path).stdout


def test_only_a_crawl_creates_a_database_and_only_in_an_empty_file(tmp_path):
    empty = tmp_path / "empty.db"
    empty.touch()
    for command in (["stats"], ["export", "--format", "jsonl"], ["migrate"]):
        result = clinicwatch(*command, "--db", empty, check=False)
        assert result.returncode == 3 and "it is empty" in result.stderr and "clinicwatch crawl" in result.stderr
        assert empty.read_bytes() == b"", command
    with pytest.raises(DatabaseError, match="it is empty"):
        open_db(empty, create=False)
    # what crawl, run and nightly call: an empty or new file becomes a clinicwatch database
    assert schema_version(open_db(empty)) == len(MIGRATIONS)
    assert schema_version(open_db(tmp_path / "new" / "cw.db")) == len(MIGRATIONS)
    other = tmp_path / "other.db"
    before = other_application_file(other)
    with pytest.raises(DatabaseError, match="not a clinicwatch database"):
        open_db(other)
    assert other.read_bytes() == before
