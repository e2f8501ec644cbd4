"""`clinicwatch nightly`: one at a time, and a digest naming what changed."""

import os
import signal
import subprocess
import sys

import pytest

from clinicwatch.demo import demo_sites, serve_sites, write_sources
from clinicwatch.demo.model import Post
from clinicwatch.digest import digest_markdown, markdown_text
from db import open_db
from db.lock import crawl_lock, lock_path
from tests.conftest import FAST, clinicwatch


def test_digest_names_new_changed_and_removed_relevant_posts(tmp_path):
    sites = demo_sites()
    harbor = next(s for s in sites if s.name.startswith("Harborview"))
    with serve_sites(sites) as base_urls:
        sources = write_sources(tmp_path / "sources.toml", base_urls, sites)
        args = ["nightly", "--sources", sources, "--db", tmp_path / "cw.db", "--allow-private-hosts",
                "--reports", tmp_path / "reports", *FAST]
        first = clinicwatch(*args)
        relevant = [p for p in harbor.posts.values() if p.relevant and not p.duplicate_group]
        assert f"new relevant posts: {sum(p.relevant for s in sites for p in s.posts.values())}" in first.stdout

        edited, removed = relevant[0], relevant[1]
        harbor.set_post_text(edited.slug, edited.body + "\nOne more paragraph on dendritic spines and ketamine, "
                                                        "added after the post first went up.\n")
        harbor.remove_post(removed.slug)
        harbor.add_post(Post(slug="ketamine-and-spines-update", title="Ketamine and Spines: An Update",
                             date=edited.date, author=edited.author, relevant=True,
                             body="\n\n".join(f"Study {n} found that ketamine raises BDNF, and that new dendritic "
                                               f"spines and synapses form within {n + 1} days of treatment in the "
                                               "prefrontal cortex." for n in range(6)) + "\n"))
        second = clinicwatch(*args)

    assert "new relevant posts: 1" in second.stdout and "Ketamine and Spines: An Update" in second.stdout
    assert "changed relevant posts: 1" in second.stdout and edited.title in second.stdout
    assert "removed relevant posts: 1" in second.stdout and removed.title in second.stdout
    reports = sorted((tmp_path / "reports").glob("*.md"))
    assert len(reports) == 2
    text = reports[1].read_text()
    assert "## New relevant posts (1)" in text and "## Removed relevant posts (1)" in text
    db = open_db(tmp_path / "cw.db")
    summary = db.execute("SELECT summary FROM posts_with_summaries WHERE title = ?",
                         ["Ketamine and Spines: An Update"]).fetchone()[0]
    assert markdown_text(summary) in text


def test_scraped_text_is_inert_in_the_digest():
    digest = {"run": {"id": 1, "started_at": "2026-01-01T00:00:00Z", "finished_at": None, "status": "ok",
                      "pages_fetched": 1, "pages_failed": 0, "posts_new": 1, "posts_changed": 0, "posts_removed": 0},
              "new": [{"id": 1, "site": "S", "title": "<script>alert(1)</script> [x](javascript:alert(1))",
                       "url": "https://s.example/p", "published_at": None, "duplicate_of": None,
                       "summary": "<img src=x onerror=alert(1)>"}], "changed": [], "removed": []}
    text = digest_markdown(digest)
    assert "<script>" not in text and "<img" not in text and "[x](javascript" not in text
    assert "&lt;script&gt;" in text


def test_a_second_crawl_is_refused_while_the_lock_is_held(tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text('[[sites]]\nname = "A"\nurl = "https://a.example/blog/"\n')
    db_path = tmp_path / "cw.db"
    with crawl_lock(db_path):
        result = clinicwatch("nightly", "--sources", sources, "--db", db_path, check=False)
    assert result.returncode == 4
    assert str(lock_path(db_path)) in result.stderr and f"pid {os.getpid()}" in result.stderr


def test_a_lock_left_by_a_killed_process_is_not_stale(tmp_path):
    db_path = tmp_path / "cw.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from db.lock import crawl_lock\n"
                               f"with crawl_lock({str(db_path)!r}):\n    print('locked', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    with crawl_lock(db_path) as path:
        assert f"pid {os.getpid()}" in path.read_text()


def test_the_lock_file_is_never_followed_through_a_symlink(tmp_path):
    """A `<db>.lock` pointing at another file: the crawl refuses it (exit 3) and the file keeps its content."""
    victim = tmp_path / "precious.txt"
    victim.write_text("do not truncate me\n")
    db_path = tmp_path / "cw.db"
    lock_path(db_path).symlink_to(victim)
    sources = tmp_path / "sources.toml"
    sources.write_text('[[sites]]\nname = "A"\nurl = "https://a.example/blog/"\n')
    result = clinicwatch("crawl", "--sources", sources, "--db", db_path, check=False)
    assert result.returncode == 3 and "Traceback" not in result.stderr
    assert f"{lock_path(db_path)}: the crawl lock file is a symbolic link" in result.stderr
    assert victim.read_text() == "do not truncate me\n"


def test_the_lock_file_must_be_a_regular_file(tmp_path):
    from db import DatabaseError

    db_path = tmp_path / "cw.db"
    os.mkfifo(lock_path(db_path))
    with pytest.raises(DatabaseError, match="not a regular file"):
        with crawl_lock(db_path):
            pass
