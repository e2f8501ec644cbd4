"""`clinicwatch export` (columns, filters, round trips, spreadsheets) and `clinicwatch report` (charts)."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from clinicwatch.cli import cli
from db import open_db
from db.store import PostRecord, save_post, save_summaries, set_duplicates, upsert_site

# The documented order (README, `clinicwatch export`): the columns export always had, then cluster and mentions.
COLUMNS = ["id", "site", "location", "url", "title", "author", "published_at", "word_count", "is_relevant",
           "relevance_score", "relevance_concepts", "cluster_id", "duplicate_of", "summary", "summary_method",
           "summary_model", "first_seen_at", "last_changed_at", "removed_at", "text",
           "mechanisms", "conditions", "claims", "citations", "calls_to_action"]


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "cw.db"
    db = open_db(path)
    harbor = upsert_site(db, 'Harbor, "Clinic"', "https://harbor.example/blog/", "Portland, ME")
    cedar = upsert_site(db, "Cedar Ridge", "https://cedar.example/blog/", None)
    first, _ = save_post(db, PostRecord(
        site_id=harbor, url="https://harbor.example/blog/a/", title='Ketamine, synapses; and "you"',
        text="Ketamine raises BDNF and new synapses form.\n\nSecond paragraph, with a comma, ünïcödé and a\ttab.",
        content_hash="a", is_relevant=True, relevance_score=0.9, relevance_concepts=["bdnf"],
        published_at="2025-01-02"))
    copy, _ = save_post(db, PostRecord(site_id=cedar, url="https://cedar.example/blog/a/", title="Copy",
                                       text="Ketamine raises BDNF and new synapses form.", content_hash="b",
                                       published_at="2025-02-01"))
    save_post(db, PostRecord(site_id=cedar, url="https://cedar.example/blog/hours/", title="Saturday hours",
                             text="We are open on Saturdays. Call (555) 010-2299 for a free consultation.",
                             content_hash="c", published_at="2025-03-01"))
    save_post(db, PostRecord(site_id=harbor, url="https://harbor.example/blog/undated/", title="Undated",
                             text="Ketamine can ease depression within hours.", content_hash="d"))
    set_duplicates(db, {copy: first})
    save_summaries(db, [{"post_id": first, "content_hash": "a", "summary": "Ketamine raises BDNF and new synapses form.",
                         "method": "extractive", "model": "m"}])
    return str(path)


def run(*args) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def as_csv_values(row: dict) -> dict:
    return {name: "" if value is None else str(value) for name, value in row.items()}


def test_csv_round_trips_every_value_in_the_documented_order(db_path, tmp_path):
    out = tmp_path / "posts.csv"
    run("export", "--db", db_path, "--format", "csv", "-o", str(out))
    with out.open(newline="", encoding="utf-8") as stream:
        reader = csv.DictReader(stream)
        rows = list(reader)
    assert reader.fieldnames == COLUMNS
    stored = list(open_db(db_path).query("SELECT * FROM posts_export ORDER BY id"))
    assert rows == [as_csv_values(row) for row in stored]
    assert rows[0]["mechanisms"] == "bdnf; synaptogenesis" and rows[1]["cluster_id"] == rows[0]["id"]
    assert rows[2]["calls_to_action"] == "consultation; free_consultation; phone"  # a free one is both (mentions-10)
    assert rows[3]["claims"] == "rapid_relief" and rows[3]["conditions"] == "depression"


def test_jsonl_round_trips_every_value(db_path):
    rows = [json.loads(line) for line in run("export", "--db", db_path, "--format", "jsonl").splitlines()]
    stored = list(open_db(db_path).query("SELECT * FROM posts_export ORDER BY id"))
    assert rows == stored and list(rows[0]) == COLUMNS


def test_bom_and_quoted_newlines_for_spreadsheets(db_path, tmp_path):
    out = tmp_path / "posts.csv"
    run("export", "--db", db_path, "--format", "csv", "--bom", "-o", str(out))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,site,")
    first = next(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert first["text"].count("\n\n") == 1 and first["site"] == 'Harbor, "Clinic"'


@pytest.mark.parametrize("options, titles", [
    (["--relevant-only"], ['Ketamine, synapses; and "you"']),
    (["--site", "Cedar Ridge"], ["Copy", "Saturday hours"]),
    (["--site", "Cedar Ridge", "--site", 'Harbor, "Clinic"'], ['Ketamine, synapses; and "you"', "Copy",
                                                               "Saturday hours", "Undated"]),
    (["--since", "2025-02-01"], ["Copy", "Saturday hours"]),
    (["--until", "2025-02-01"], ['Ketamine, synapses; and "you"', "Copy"]),
    (["--since", "2025-01-15", "--until", "2025-02-15"], ["Copy"]),
    (["--search", '"new synapses"'], ['Ketamine, synapses; and "you"', "Copy"]),
    (["--search", "synapses form ünïcödé"], ['Ketamine, synapses; and "you"']),
    (["--search", "ketamine", "--site", "Harbor, \"Clinic\"", "--relevant-only"], ['Ketamine, synapses; and "you"']),
    # FTS syntax in search terms is searched for, never an error.
    (["--search", 'AND "unbalanced'], []),
])
def test_filters(db_path, options, titles):
    rows = [json.loads(line) for line in run("export", "--db", db_path, "--format", "jsonl", *options).splitlines()]
    assert [row["title"] for row in rows] == titles


def test_empty_csv_still_has_its_header(db_path):
    output = run("export", "--db", db_path, "--format", "csv", "--search", "nothingmatchesthis")
    assert output.splitlines() == [",".join(COLUMNS)]


def test_report_writes_both_charts_in_both_formats(db_path, tmp_path):
    out = tmp_path / "charts"
    written = run("report", "--db", db_path, "-o", str(out)).splitlines()
    assert sorted(p.rsplit("/", 1)[-1] for p in written) == [
        "mentions-over-time.png", "mentions-over-time.svg", "posts-per-month.png", "posts-per-month.svg"]
    assert (out / "posts-per-month.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    svg = ET.parse(out / "posts-per-month.svg").getroot()
    texts = " ".join(svg.itertext())
    assert svg.tag.endswith("svg") and "1 undated post(s) not shown" in texts
    first = (out / "mentions-over-time.svg").read_bytes()
    run("report", "--db", db_path, "-o", str(out), "--format", "svg")
    assert (out / "mentions-over-time.svg").read_bytes() == first, "the same data draws the same file"


def test_report_relevant_only_counts_relevant_posts(db_path, tmp_path):
    from db.queries import monthly_post_counts

    run("report", "--db", db_path, "-o", str(tmp_path), "--relevant-only", "--format", "svg")
    assert monthly_post_counts(open_db(db_path), relevant_only=True) == [
        {"month": "2025-01", "site": 'Harbor, "Clinic"', "posts": 1}]
    assert "(relevant posts)" in " ".join(ET.parse(tmp_path / "posts-per-month.svg").getroot().itertext())
