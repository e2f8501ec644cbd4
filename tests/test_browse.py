"""`clinicwatch serve` in a real browser: headless Chromium (Debian's `chromium`, which `make test`
installs) driven over the Chrome DevTools Protocol.

The database is a copy of the session's crawled demo, plus a clinic whose post carries
<script>, <img onerror> and javascript: payloads in its title, text, summary and an older
version, and an older version of the syndicated post so its page has a diff. Screenshots are
kept under test-artifacts/browse/.
"""

from __future__ import annotations

import base64
import json
import os
import queue
import re
import select
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.request import urlopen

import pytest

from db import open_db
from db.store import PostRecord, save_post, save_summaries, upsert_site
from pipeline.mentions import fill_pending_mentions

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "browse"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--window-size=1280,1000", "--remote-debugging-pipe"]
TIMEOUT = 20

# Each payload would set window.__pwned if the browser ran it.
SCRIPT = "<script>window.__pwned = 'script'</script>"
IMG = "<img src=x onerror=\"window.__pwned = 'img'\">"
LINK = "<a href=\"javascript:window.__pwned = 'link'\">javascript:window.__pwned = 'link'</a>"
PAYLOAD_WORD = "zyxwarbler"  # a word of the hostile post only, to find it by search


class DevTools:
    """A minimal Chrome DevTools Protocol client over --remote-debugging-pipe: Chromium reads
    NUL-terminated JSON commands on fd 3 and writes replies and events on fd 4. The pipe
    transport needs no websocket library, and no port is opened."""

    def __init__(self, user_data_dir: Path):
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def child_fds():
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        self.process = subprocess.Popen(
            [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={user_data_dir}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=child_fds, close_fds=False)
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._events: list[dict] = []
        self._next_id = 0
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime"):
            self.call(f"{domain}.enable", session=True)

    def _read_message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_child], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError("no message from Chromium in time")
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                raise ConnectionError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, params: dict | None = None, *, session: bool = False) -> dict:
        self._next_id += 1
        command = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            command["sessionId"] = self.session
        os.write(self._to_child, json.dumps(command).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = self._read_message(deadline)
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]
            self._events.append(message)

    def wait_for_event(self, method: str) -> dict:
        deadline = time.monotonic() + TIMEOUT
        while True:
            for index, event in enumerate(self._events):
                if event.get("method") == method:
                    return self._events.pop(index)
            self._events.append(self._read_message(deadline))

    def navigate(self, url: str) -> None:
        self._events.clear()
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait_for_event("Page.loadEventFired")

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True},
                           session=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression!r} raised in the page: {result['exceptionDetails']}")
        return result["result"].get("value")

    def submit(self, expression: str) -> None:
        """Run an expression that leaves the page (a form submission) and wait for the next page."""
        self._events.clear()
        self.evaluate(expression)
        self.wait_for_event("Page.loadEventFired")

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        data = self.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=True)
        path = ARTIFACTS / f"{name}.png"
        path.write_bytes(base64.b64decode(data["data"]))
        return path

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (ConnectionError, TimeoutError, RuntimeError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_child)
        os.close(self._from_child)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def add_hostile_post(db) -> int:
    """A clinic and post whose every field that pages show carries the payloads."""
    site = upsert_site(db, f"Hostile {SCRIPT} Clinic", "https://hostile.example/blog/", f"Nowhere {IMG}")
    text = (f"Ketamine raises BDNF, says this {PAYLOAD_WORD} post {SCRIPT} and {IMG}.\n\n"
            f"Read more at {LINK} or call (555) 010-0000 for a free consultation.\n\n"
            "Ketamine can ease depression within hours, and new synapses form within a day.")
    older = f"An older {PAYLOAD_WORD} text with {LINK} and {SCRIPT}.\n\nIt said less about BDNF."
    post = PostRecord(site_id=site, url="https://hostile.example/blog/post/", title=f"BDNF {SCRIPT} {IMG}",
                      text=older, content_hash="hostile-1", published_at="2025-03-15", is_relevant=True,
                      relevance_score=0.9, author=IMG)
    post_id, _ = save_post(db, post)
    post.text, post.content_hash = text, "hostile-2"
    save_post(db, post)
    save_summaries(db, [{"post_id": post_id, "content_hash": "hostile-2", "summary": f"Summary {SCRIPT} {IMG} {LINK}",
                         "method": "extractive", "model": "test"}])
    return post_id


def add_older_version(db, post_id: int) -> None:
    """The post as it read before an edit: its current text with one sentence it did not have yet."""
    post = db["posts"].get(post_id)
    db["post_versions"].insert({"post_id": post_id, "content_hash": "before-edit", "title": post["title"],
                                "text": post["text"].replace(".", ". This sentence was removed later.", 1),
                                "seen_at": "2020-01-01T00:00:00Z"})


@pytest.fixture(scope="module")
def served(crawled_demo, tmp_path_factory):
    """`clinicwatch serve` on a copy of the crawled demo with the hostile post added; yields (base URL, ids)."""
    path = tmp_path_factory.mktemp("browse") / "browse.db"
    copy = open_db(path, migrate_schema=False)
    crawled_demo.db.conn.backup(copy.conn)
    copy.close()
    db = open_db(path)
    hostile = add_hostile_post(db)
    head = db.execute("SELECT duplicate_of FROM posts WHERE duplicate_of IS NOT NULL LIMIT 1").fetchone()[0]
    add_older_version(db, head)
    fill_pending_mentions(db)
    db.close()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "clinicwatch.cli", "serve", "--db", str(path), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_line(server, f"running on http://127.0.0.1:{port}")
        yield f"http://127.0.0.1:{port}", {"hostile": hostile, "head": head, "database": path.stem}
    finally:
        server.terminate()
        server.wait(timeout=10)


def wait_for_line(process: subprocess.Popen, needle: str) -> None:
    """Read the server's log until it says it is listening (it says so once the socket is bound).
    A thread keeps reading it afterwards, so a full pipe never blocks the server."""
    lines: queue.Queue = queue.Queue()

    def pump():
        for line in process.stderr:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    seen = []
    deadline = time.monotonic() + 120
    while True:
        try:
            line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        if needle in line:
            return
    raise AssertionError(f"clinicwatch serve did not start:\n{''.join(seen)}")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("no chromium on this machine: `make test` installs Debian's chromium (apt-get install chromium); "
                    "it could not be installed here")
    devtools = DevTools(tmp_path_factory.mktemp("chromium-profile"))
    yield devtools
    devtools.close()


def test_search_shows_ranked_hits_with_highlights(served, browser):
    base, _ = served
    browser.navigate(base + "/")
    browser.submit("""document.querySelector('#cw-q').value = '"new synapses"';
                      document.querySelector('form.cw-search').requestSubmit()""")
    hits = browser.evaluate("""[...document.querySelectorAll('table.rows-and-columns tbody tr')].map(row => ({
        marks: [...row.querySelectorAll('td.col-hit mark')].map(m => m.textContent.toLowerCase()),
        score: parseFloat(row.querySelector('td.col-score').textContent),
        link: row.querySelector('td.col-title a')?.getAttribute('href')}))""")
    browser.screenshot("search")
    assert len(hits) >= 3
    assert all(hit["marks"] and set(hit["marks"]) == {"new synapses"} for hit in hits), hits
    scores = [hit["score"] for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(hit["link"].startswith("/-/posts/") for hit in hits)
    # The first hit's title opens its reading page.
    browser.navigate(base + hits[0]["link"])
    assert browser.evaluate("document.querySelector('article.cw-post h1').textContent.length") > 0


def test_post_page_shows_summary_copies_versions_and_diff(served, browser):
    base, ids = served
    browser.navigate(f"{base}/-/posts/{ids['head']}")
    page = browser.evaluate("""({
        title: document.querySelector('article.cw-post h1').textContent,
        summary: [...document.querySelectorAll('#summary p:not(.cw-note)')].map(p => p.textContent),
        copies: [...document.querySelectorAll('#copies tbody tr')].map(r => r.cells[1].textContent),
        paragraphs: document.querySelectorAll('#text p').length,
        versions: document.querySelectorAll('.cw-version-list li').length,
        deleted: [...document.querySelectorAll('.cw-diff del')].map(d => d.textContent),
        mentions: document.querySelectorAll('#mentions tbody tr').length})""")
    browser.screenshot("post")
    assert page["title"] and page["summary"] and page["paragraphs"] > 3
    assert page["copies"], "the syndicated post lists its copy on the other clinic's site"
    assert page["versions"] == 2 and page["deleted"] == ["This sentence was removed later."]
    assert page["mentions"] > 0


def test_facet_narrows_the_posts(served, browser):
    base, ids = served
    browser.navigate(f"{base}/{ids['database']}/posts_browse")
    first_site = """document.querySelector('.facet-info[data-column="site"] li')"""
    expected = browser.evaluate(f"parseInt({first_site}.textContent.trim().split(/\\s+/).pop().replace(/,/g, ''))")
    browser.submit(f"{first_site}.querySelector('a').click()")
    sites = browser.evaluate("[...document.querySelectorAll('td.col-site')].map(td => td.textContent.trim())")
    browser.screenshot("facet")
    assert "site=" in browser.evaluate("location.search")
    assert len(sites) == expected and len(set(sites)) == 1
    assert browser.evaluate("""document.querySelectorAll('.facet-info[data-column="mention_categories"] li').length""") > 0


def test_charts_render(served, browser):
    base, _ = served
    browser.navigate(base + "/-/charts")
    images = browser.evaluate("[...document.querySelectorAll('figure.cw-chart img')].map(i => i.naturalWidth)")
    browser.screenshot("charts")
    assert len(images) == 2 and all(width > 0 for width in images)


def test_hostile_post_shows_as_text_and_nothing_runs(served, browser):
    base, ids = served
    database, post = ids["database"], ids["hostile"]
    # Every page that shows the post, its clinic or its mentions; the charts page draws the clinic's name.
    pages = [
        f"/-/posts/{post}",
        f"/{database}/posts/{post}",
        f"/{database}/posts?_search={PAYLOAD_WORD}",
        f"/{database}/posts_browse?_search={PAYLOAD_WORD}",
        f"/{database}/search?q={PAYLOAD_WORD}",
        f"/{database}/mention_sentences?post_id={post}",
        f"/{database}/changed_since?since=2000-01-01",
        f"/{database}/posts_export?id={post}",
        f"/{database}/sites",
        "/-/charts",
    ]
    for number, page in enumerate(pages):
        browser.navigate(base + page)
        state = browser.evaluate("""({
            pwned: window.__pwned ?? null,
            text: document.body.innerText,
            scripts: [...document.scripts].filter(s => s.text.includes('__pwned')).length,
            handlers: document.querySelectorAll('[onerror], [onload], [onclick]').length,
            jsLinks: [...document.querySelectorAll('a[href]')].filter(a => /^\\s*javascript:/i.test(a.getAttribute('href'))).length})""")
        browser.screenshot(f"hostile-{number}")
        assert state["pwned"] is None, f"{page}: a payload ran ({state['pwned']})"
        assert (state["scripts"], state["handlers"], state["jsLinks"]) == (0, 0, 0), f"{page}: {state}"
        if page != "/-/charts":
            assert "<script>" in state["text"] or "onerror" in state["text"], f"{page}: the payload is not shown as text"


def test_chart_images_and_unknown_post_are_plain_http(served):
    base, _ = served
    with urlopen(base + "/-/charts/posts-per-month.svg") as response:
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert response.read().lstrip().startswith(b"<?xml")
    with pytest.raises(Exception) as missing:
        urlopen(base + "/-/posts/999999")
    assert getattr(missing.value, "code", None) == 404


def analyst_queries() -> list[str]:
    """The SQL blocks of the README's "For analysts" section."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## For analysts\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, re.S)


def test_readme_analyst_queries_run_as_written(crawled_demo):
    queries = analyst_queries()
    assert len(queries) == 5
    connection = sqlite3.connect(f"file:{crawled_demo.db_path}?mode=ro", uri=True)
    results = [connection.execute(sql).fetchall() for sql in queries]
    # The demo has mechanisms, claims, a syndicated pair and dated posts; changes need a re-crawl.
    assert all(results[:4]), [len(rows) for rows in results]
    assert results[2][0][-1] >= 0, "a copy is published after the post it copies"


def test_every_canned_query_runs(served):
    base, ids = served
    metadata = json.loads((Path(__file__).resolve().parents[1] / "clinicwatch" / "browse" / "metadata.json").read_text())
    for name in metadata["databases"]["*"]["queries"]:
        with urlopen(f"{base}/{ids['database']}/{name}.json?q=ketamine&since=2000-01-01&_shape=objects") as response:
            body = json.load(response)
        assert body["ok"] and body["rows"], name


def test_metadata_describes_every_table_and_view_and_only_real_columns(tmp_path):
    metadata = json.loads((Path(__file__).resolve().parents[1] / "clinicwatch" / "browse" / "metadata.json").read_text())
    described = metadata["databases"]["*"]["tables"]
    db = open_db(tmp_path / "empty.db")
    names = [name for name in db.table_names() if not name.startswith("posts_fts")] + db.view_names()
    assert sorted(name for name in names if not described.get(name, {}).get("description")) == []
    for name, entry in described.items():
        columns = {column.name for column in db[name].columns}
        assert set(entry.get("columns", {})) <= columns, name
