"""`clinicwatch serve` against what a visitor (or a web page the researcher opens) can send:
expensive diffs, URLs that used to answer 500, empty searches, forged highlights, foreign Host
headers (issue 12, items 4, 5, 6, 7, 13a). The server runs on loopback; no browser needed."""

from __future__ import annotations

import asyncio
import json
import random
import socket
import subprocess
import sys
import threading
import time
from urllib.error import HTTPError
from urllib.parse import quote, urlencode
from urllib.request import urlopen

import pytest

from clinicwatch.browse import BROWSE, datasette_metadata, diff
from db import open_db
from db.store import PostRecord, save_post, upsert_site
from pipeline.extract import extract_page
from tests.conftest import clinicwatch
from tests.test_browse import free_port, wait_for_line

FORGED = "\x03</b>\x02 \u27e7forged\u27e6 <mark>open \x02never closed"


def long_text(seed: int, words: int = 12_000) -> str:
    rng = random.Random(seed)
    vocabulary = [f"word{n}" for n in range(2_000)]
    return " ".join(rng.choice(vocabulary) for _ in range(words))


def make_database(path) -> dict:
    db = open_db(path)
    site = upsert_site(db, "Harbor Clinic", "https://harbor.example/blog/")
    ids = {}
    ids["plain"], _ = save_post(db, PostRecord(
        site_id=site, url="https://harbor.example/blog/plain/", title="Ketamine and synapses",
        text="Ketamine raises BDNF and new synapses form within a day.", content_hash="plain"))
    ids["forged"], _ = save_post(db, PostRecord(
        site_id=site, url="https://harbor.example/blog/forged/", title=f"Forged {FORGED} title",
        text=f"Before {FORGED} the word glutamate appears here, then {FORGED} again.", content_hash="forged"))
    post = PostRecord(site_id=site, url="https://harbor.example/blog/long/", title="Long", text=long_text(1),
                      content_hash="long-1")
    ids["long"], _ = save_post(db, post)
    post.text, post.content_hash = long_text(2), "long-2"
    save_post(db, post)
    db.conn.close()
    return ids


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    path = tmp_path_factory.mktemp("visitors") / "visitors.db"
    ids = make_database(path)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "clinicwatch.cli", "serve", "--db", str(path), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_line(server, f"running on http://127.0.0.1:{port}")
        yield {"base": f"http://127.0.0.1:{port}", "port": port, "db": path.stem, "ids": ids, "path": path}
    finally:
        server.terminate()
        server.wait(timeout=10)


def get(url: str, timeout: float = 30) -> tuple[int, str]:
    try:
        with urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8")
    except HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def sql_url(served, sql: str) -> str:
    return f"{served['base']}/{served['db']}.json?" + urlencode({"sql": sql, "_shape": "array"})


# Item 4: the word diff is bounded, and runs off the event loop.

def test_word_diff_is_bounded_in_size_and_time():
    # 1,000 words of "w" against 1,000 of "w v": 46 s with difflib on the whole lists
    started = time.monotonic()
    assert diff.word_diff(" ".join(["w"] * 1000), " ".join(["w", "v"] * 500)) is None
    # two 12,000-word versions with nothing in common: 10 s before
    assert diff.word_diff(long_text(1), long_text(2)) is None
    assert time.monotonic() - started < 3 * diff.DIFF_SECONDS + 2
    assert diff.word_diff_text("a b", "a c") == "a [-b-] {+c+}"
    started = time.monotonic()
    assert diff.word_diff_text(" ".join(["w"] * 200), " ".join(["w", "v"] * 100)).startswith("(too long to diff")
    assert time.monotonic() - started < 10 * diff.SQL_DIFF_SECONDS + 0.5  # the SQL function's tighter bound
    assert diff.word_diff_text(long_text(1), long_text(2)) == "(too long to diff: 12000 words before, 12000 after)"
    # a local edit of a long post is still diffed word by word (common prefix and suffix cut off first)
    text = long_text(3)
    edited = text.replace(" ", " ketamine ", 1)
    segments = diff.word_diff(text, edited)
    assert ("insert", "ketamine") in segments and segments[-1][1].count(" ") == diff.CONTEXT_WORDS


def test_visitor_sql_cannot_run_the_diff_past_the_time_limit(served):
    ten_thousand = "replace(hex(zeroblob(5000)), '00', 'w ')"  # 10,000 words of "w"
    alternating = "replace(hex(zeroblob(5000)), '00', 'w v ')"
    started = time.monotonic()
    status, body = get(sql_url(served, f"select cw_word_diff({ten_thousand}, {alternating}) as d"))
    assert status == 200 and "too long to diff" in json.loads(body)[0]["d"]
    # within the size bound but as slow as difflib gets: stopped by the diff's own clock, and a
    # thousand such calls by Datasette's SQL time limit (between calls)
    # (200 words each: 0.4 s a call with difflib on the whole lists, 400 s for the thousand)
    words = "replace(hex(zeroblob(100)), '00', 'w ')"
    pairs = "replace(hex(zeroblob(50)), '00', 'w v ')"
    status, body = get(sql_url(served, f"with recursive n(i) as (select 1 union all select i + 1 from n where i < 1000) "
                                       f"select cw_word_diff({words}, {pairs}) from n"))
    assert status == 400 and "took too long" in body, (status, body[:300])
    assert time.monotonic() - started < 10


def test_post_page_diff_runs_off_the_event_loop(tmp_path, monkeypatch):
    """While a post page computes its diffs, another request is answered: the diff is blocked
    until that request completes, which it could not if the diff held the event loop."""
    from datasette.app import Datasette

    ids = make_database(tmp_path / "loop.db")
    other_answered = threading.Event()
    waited = []

    def blocking_diff(old, new):
        waited.append(other_answered.wait(timeout=20))
        return [("equal", "same")]

    monkeypatch.setattr(diff, "word_diff", blocking_diff)
    ds = Datasette([str(tmp_path / "loop.db")], metadata=datasette_metadata("loop"),
                   plugins_dir=str(BROWSE / "plugins"), template_dir=str(BROWSE / "templates"))

    async def both():
        page = asyncio.create_task(ds.client.get(f"/-/posts/{ids['long']}"))
        other = await ds.client.get("/-/versions.json")
        other_answered.set()
        return (await page).status_code, other.status_code

    assert asyncio.run(both()) == (200, 200)
    assert waited == [True]


def test_post_page_shows_a_too_long_change_as_such(served):
    status, body = get(f"{served['base']}/-/posts/{served['ids']['long']}")
    assert status == 200 and "too long to diff: 12000 words before, 12000 after" in body


# Item 5: visitor URLs that answered 500 with a traceback.

@pytest.mark.parametrize("path", [
    "/{db}/posts_browse?_col=title",
    "/{db}/posts?_col=title",
    "/{db}?sql=" + quote("select 'A title' as title, 'abc' as post_id"),
    "/{db}?sql=" + quote("select 'A title' as title, 'nan' as post_id, 'x' as sentence, 5 as matched"),
    "/{db}?sql=" + quote("select 'A title' as title, 99999999999999999999999 as post_id"),
    "/{db}/mention_sentences?_col=title",
    "/-/posts/99999999999999999999999",
    "/-/posts/9223372036854775808",
    "/-/posts/0",
])
def test_visitor_urls_answer_a_page_or_4xx_never_500(served, path):
    status, body = get(served["base"] + path.format(db=served["db"]))
    assert status < 500 and "Traceback" not in body, (status, body[:500])


# Item 6: empty and quote-only searches.

@pytest.mark.parametrize("q", ["", '"', '""', " ", '" "'])
def test_an_empty_search_shows_the_search_form(served, q):
    status, body = get(f"{served['base']}/-/search?" + urlencode({"q": q}))  # the menu's link has q empty
    assert status == 200 and "fts5" not in body and "syntax error" not in body
    assert 'name="q"' in body


def test_the_menus_search_link_shows_the_form(served):
    status, body = get(f"{served['base']}/-/search")
    assert status == 200 and 'name="q"' in body and "fts5" not in body


@pytest.mark.parametrize("q", ['"glutamate', 'glutamate"', "glutamate AND", "glutamate *", "^glutamate"])
def test_junk_in_a_search_is_taken_as_words(served, q):
    status, body = get(f"{served['base']}/{served['db']}/search.json?" + urlencode({"q": q, "_shape": "array"}))
    assert status == 200, body[:300]
    rows = json.loads(body)
    assert [row["post_id"] for row in rows] == ([served["ids"]["forged"]] if q != "glutamate AND" else [])


@pytest.mark.parametrize("terms", ['"', '""', " ", ""])
def test_export_of_a_search_without_words_exits_2_with_a_message(served, terms):
    result = clinicwatch("export", "--db", served["path"], "--format", "csv", "--search", terms, check=False)
    assert result.returncode == 2 and "--search" in result.stderr and "no words" in result.stderr
    assert "Traceback" not in result.stderr


# Item 7: highlight markers cannot be forged.

def test_highlight_markers_in_a_post_cannot_forge_marks(served):
    """A post carrying the snippet markers (STX, ETX) and <mark> gets no highlight at all, rather
    than highlights it chose; a post without them gets its matched words marked."""
    status, body = get(f"{served['base']}/{served['db']}/search?q=glutamate")
    assert status == 200 and "glutamate" in body
    assert "<mark>" not in body and "</mark>" not in body
    assert "&lt;mark&gt;open" in body  # the post's own "<mark>" is text
    status, body = get(f"{served['base']}/{served['db']}/search?q=synapses")
    assert status == 200 and body.count("<mark>") == body.count("</mark>") == 1 and "<mark>synapses</mark>" in body


def test_highlight_hit_closes_every_mark_and_drops_stray_markers():
    from clinicwatch.browse.plugins.clinicwatch_browse import HIT_END, HIT_START, highlight_hit

    html = str(highlight_hit(f"{HIT_END}a {HIT_START}b{HIT_START} c {HIT_END}{HIT_END} <i>{HIT_START}d"))
    assert html == "a <mark>b c </mark> &lt;i&gt;<mark>d</mark>"


def test_extracted_text_and_titles_never_carry_the_markers():
    paragraph = "<p>Ketamine raises BDNF, and clinics say new synapses form within a day, the team said.</p>"
    page = extract_page(f"<html><head><title>T &#2;x&#3; \x02y\x03</title></head><body><article>"
                        f"<h1>Forged &#2;mark&#3; title</h1>{paragraph * 6}</article></body></html>",
                        "https://c.example/blog/post/")
    assert "Forged" in page.title
    assert not any(marker in (page.title + page.text) for marker in "\x02\x03")


# Item 13a: only the host names the server was started for.

def raw_request(port: int, host: str | None) -> int:
    request = "GET /-/versions.json HTTP/1.1\r\n" + (f"Host: {host}\r\n" if host is not None else "") + \
        "Connection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request.encode())
        response = b""
        while chunk := sock.recv(65536):
            response += chunk
    return int(response.split(b" ", 2)[1])


def test_only_the_served_host_names_are_answered(served):
    port = served["port"]
    assert raw_request(port, "evil.example") == 421
    assert raw_request(port, f"evil.example:{port}") == 421
    assert raw_request(port, "127.0.0.1.evil.example") == 421
    assert raw_request(port, "") in (400, 421)
    assert raw_request(port, f"127.0.0.1:{port}") == 200
    assert raw_request(port, f"localhost:{port}") == 200
    assert raw_request(port, "LOCALHOST.") == 200


def test_host_check_follows_the_host_the_server_was_started_for():
    from clinicwatch.browse.plugins.clinicwatch_browse import host_allowed

    assert host_allowed("[::1]:8001", "127.0.0.1")
    assert not host_allowed("192.168.1.5:8001", "127.0.0.1")
    assert host_allowed("research.lab.example:8080", "research.lab.example")
    assert not host_allowed("evil.example", "research.lab.example")
    # every interface: addresses (which cannot be rebound) and this machine's names, no other name
    assert host_allowed("192.168.1.5:8080", "0.0.0.0") and host_allowed("[fe80::1]:8080", "::")
    assert host_allowed(socket.gethostname(), "0.0.0.0")
    assert not host_allowed("evil.example", "0.0.0.0")
    assert not host_allowed(None, "127.0.0.1")
