"""The command line on a database built through db.store (no crawl): export, stats, extract, errors."""

import csv
import gzip
import io
import json

import pytest
from click.testing import CliRunner

from clinicwatch.cli import cli
from db import open_db
from db.store import (
    PostRecord,
    finish_run,
    save_post,
    save_summaries,
    set_duplicates,
    start_run,
    upsert_site,
)


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "cw.db"
    db = open_db(path)
    site = upsert_site(db, "Harbor, \"Clinic\"", "https://harbor.example/blog/", "Portland, ME")
    run = start_run(db)
    first, _ = save_post(db, PostRecord(
        site_id=site, url="https://harbor.example/blog/a/", title="Ketamine, synapses; and \"you\"",
        text="First paragraph about ketamine.\n\nSecond paragraph, with a comma and ünïcödé.", content_hash="a",
        is_relevant=True, relevance_score=0.9, relevance_concepts=["ketamine", "synapses"],
        published_at="2025-01-02"), run)
    copy, _ = save_post(db, PostRecord(site_id=site, url="https://harbor.example/blog/b/", title="Copy",
                                       text="First paragraph about ketamine.", content_hash="b"), run)
    set_duplicates(db, {copy: first})
    save_summaries(db, [{"post_id": first, "content_hash": "a", "summary": "First paragraph about ketamine.",
                         "method": "extractive", "model": "m"}])
    finish_run(db, run, "ok")
    return str(path)


def test_csv_export_round_trips(db_path, tmp_path):
    out = tmp_path / "posts.csv"
    result = CliRunner().invoke(cli, ["export", "--db", db_path, "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    db = open_db(db_path)
    assert [r["id"] for r in rows] == [str(r["id"]) for r in db.query("SELECT id FROM posts ORDER BY id")]
    first = rows[0]
    stored = db["posts"].get(int(first["id"]))
    assert first["text"] == stored["text"] and first["title"] == stored["title"]
    assert first["site"] == 'Harbor, "Clinic"' and first["summary"] == "First paragraph about ketamine."
    assert rows[1]["cluster_id"] == first["id"] == rows[1]["duplicate_of"]


def test_jsonl_export_round_trips(db_path):
    result = CliRunner().invoke(cli, ["export", "--db", db_path, "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    db = open_db(db_path)
    for row in rows:
        stored = db["posts"].get(row["id"])
        assert (row["text"], row["title"], row["is_relevant"]) == (stored["text"], stored["title"],
                                                                   stored["is_relevant"])


def test_stats_json(db_path):
    result = CliRunner().invoke(cli, ["stats", "--db", db_path, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["sites"][0]["posts"] == 2 and data["sites"][0]["duplicates"] == 1
    assert data["sites"][0]["summarized"] == 1
    assert data["runs"][0]["status"] == "ok" and data["runs"][0]["posts_new"] == 2


def test_missing_database_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["stats", "--db", str(tmp_path / "nope.db")])
    assert result.exit_code == 1 and "no such database" in result.output


def test_bad_sources_file_stops_before_any_crawl(tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text('[[sites]]\nname = "A"\nurl = "https://a.example/"\nsitemap = []\n')
    result = CliRunner().invoke(cli, ["crawl", "--sources", str(sources), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert f"{sources}:4" in result.output and "unknown key 'sitemap'" in result.output
    assert not (tmp_path / "x.db").exists()


def test_extract_prints_one_object_per_page(tmp_path):
    body = "".join(f"<p>Paragraph {i} says that ketamine changes synapses in a measurable way over days.</p>"
                   for i in range(6))
    page = f"<html><head><title>A post | Clinic</title></head><body><article><h1>A post</h1>{body}</article></body></html>"
    (tmp_path / "one.html").write_text(page)
    (tmp_path / "two.html.gz").write_bytes(gzip.compress(page.encode()))
    result = CliRunner().invoke(cli, ["extract", str(tmp_path)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["path"].rsplit("/", 1)[-1] for r in records] == ["one.html", "two.html.gz"]
    assert all({"path", "url", "title", "author", "published_at", "text"} <= set(r) for r in records)
    assert "Paragraph 5 says" in records[1]["text"]


def test_relevance_check_prints_score_decision_and_the_claims(tmp_path):
    claim = "Ketamine helps the brain regrow synaptic connections that stress has worn away."
    body = "".join(f"<p>{s}</p>" for s in (
        "Our clinic offers ketamine infusions for treatment-resistant depression.",
        "Many patients ask how ketamine works and what an infusion day looks like.", claim,
        "Sessions last forty minutes and a nurse monitors every infusion from start to finish."))
    page = f"<html><head><title>How ketamine works</title></head><body><article><h1>How ketamine works</h1>{body}</article></body></html>"
    (tmp_path / "post.html.gz").write_bytes(gzip.compress(page.encode()))
    (tmp_path / "insurance.txt").write_text("Ketamine infusions are rarely covered by insurance. Ask about payment plans.")
    result = CliRunner().invoke(cli, ["relevance-check", str(tmp_path / "post.html.gz"), str(tmp_path / "insurance.txt")])
    assert result.exit_code == 0, result.output
    first, second = result.output.split("insurance.txt: ")
    assert "post.html.gz: relevant (score" in first and f"claim (rule, sentence): {claim}" in first
    assert second.startswith("not relevant (score 0.") and "no sentence says ketamine changes the brain" in second


def test_relevance_check_names_an_unreadable_page(tmp_path):
    (tmp_path / "broken.html.gz").write_bytes(b"not gzip")
    result = CliRunner().invoke(cli, ["relevance-check", str(tmp_path / "broken.html.gz")])
    assert result.exit_code == 1 and "broken.html.gz" in result.output
