"""clinicwatch's Datasette plugin, loaded by `clinicwatch serve` through --plugins-dir.

- /-/posts/<id>: a post to read: title, clinic, date, summary, its text in paragraphs, its
  mentions, its copies on other sites, its versions with a word-level diff of each change.
- /-/charts: posts per month per clinic and mention categories over time (the figures of
  `clinicwatch report`, as SVG); /-/charts/<name>.svg|png serves one.
- /-/search?q=...: the ranked, highlighted search (the `search` canned query).
- Cells: a post's title links to its page; a search hit's matched words are highlighted; a
  mention's sentence has its matched words highlighted.
- cw_word_diff(old, new), an SQL function for the `changed_since` canned query, bounded in size
  and time (clinicwatch/browse/diff.py), as visitors' SQL may call it; cw_fts_query(terms), the
  search words as an FTS5 query that is never a syntax error.
- Only the host names the server was started for are answered (DNS rebinding, see host_allowed).

Everything from the database reaches the page escaped (Jinja autoescape, markupsafe.escape
before any markup is added), so a post's text can never add HTML or script to a page.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlencode

import sqlite_utils
from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from clinicwatch.browse import diff
from clinicwatch.charts import CHARTS, chart_bytes
from db.queries import fts_query, post_detail
from pipeline.sentences import paragraphs

# snippet() in the search canned query wraps matched words in these: STX and ETX, control
# characters the extractor never keeps in a title or text (pipeline/extract.py strips them). A
# post that has one anyway (written by other means) gets its snippet without markers and with
# its own STX and ETX removed (the query's CASE), and highlight_hit never leaves a <mark> open.
HIT_START, HIT_END = "\x02", "\x03"
# Tables and views whose rows are posts (their `id` is the post id).
POST_TABLES = {"posts", "posts_browse", "posts_with_summaries", "posts_export"}
CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
# SQLite's integer ids: a larger number in /-/posts/<id> is no post (and no OverflowError).
MAX_ID = 2 ** 63 - 1
# Host names always answered: this machine's loopback.
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def highlight_hit(value: str) -> Markup:
    """A search snippet with its matched words in <mark>: escaped first, so only our tags are HTML;
    every <mark> is closed, and a marker without its pair is dropped."""
    html, open_mark = [], False
    for char in str(escape(value)):
        if char == HIT_START:
            if not open_mark:
                html.append("<mark>")
                open_mark = True
        elif char == HIT_END:
            if open_mark:
                html.append("</mark>")
                open_mark = False
        else:
            html.append(char)
    if open_mark:
        html.append("</mark>")
    return Markup("".join(html))


def mark_phrase(sentence: str, phrase: str) -> Markup:
    """The sentence, escaped, with the first occurrence of phrase in <mark>."""
    start = sentence.find(phrase) if phrase else -1
    if start < 0:
        return escape(sentence)
    end = start + len(phrase)
    return Markup("{}<mark>{}</mark>{}").format(sentence[:start], sentence[start:end], sentence[end:])


def safe_href(url: str | None) -> str | None:
    """Only web addresses become links; anything else (javascript:, data:) is shown as text."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def post_id_of(value) -> int | None:
    """A post id from a cell: an integer in SQLite's range (a visitor's SQL may name any text post_id)."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID else None


def post_path(datasette, post_id) -> str:
    return datasette.urls.path(f"/-/posts/{int(post_id)}")


def sql_fts_query(terms) -> str:
    """cw_fts_query: an empty search (or quotes only) is the empty phrase, which matches nothing."""
    return fts_query(terms if isinstance(terms, str) else "") or '""'


@hookimpl
def prepare_connection(conn):
    conn.create_function("cw_word_diff", 2, diff.word_diff_text)
    conn.create_function("cw_fts_query", 1, sql_fts_query, deterministic=True)


@hookimpl
def prepare_jinja2_environment(env):
    env.filters["safe_href"] = safe_href
    env.filters["mark_phrase"] = mark_phrase


@hookimpl
def render_cell(row, value, column, table, datasette):
    if not isinstance(value, str):
        return None
    keys = row.keys()
    if column == "hit":
        return highlight_hit(value)
    if column == "sentence" and "matched" in keys and isinstance(row["matched"], str) and row["matched"]:
        return mark_phrase(value, row["matched"])
    if column == "title":
        # ?_col=title leaves `id` out of the row; a visitor's SQL may call any column post_id.
        key = "id" if table in POST_TABLES else "post_id"
        post_id = post_id_of(row[key]) if key in keys else None
        if post_id is not None:
            return Markup('<a href="{}">{}</a>').format(post_path(datasette, post_id), value)
    return None


@hookimpl
def menu_links(datasette):
    return [
        {"href": datasette.urls.path("/-/search"), "label": "Search posts"},
        {"href": datasette.urls.path("/-/charts"), "label": "Charts"},
    ]


@hookimpl
def register_routes():
    return [
        (r"^/-/posts/(?P<post_id>\d+)$", post_page),
        (r"^/-/charts$", charts_page),
        (r"^/-/charts/(?P<name>[a-z-]+)\.(?P<fmt>svg|png)$", chart_image),
        (r"^/-/search$", search),
    ]


def served_database(datasette):
    """The clinicwatch file `clinicwatch serve` serves (the only database besides Datasette's own)."""
    return datasette.get_database()


def version_changes(versions: list[dict]) -> list[dict]:
    """Each change between consecutive versions, newest first, with its word diff (None: too long)."""
    changes = [
        {"seen_at": after["seen_at"], "previous_seen_at": before["seen_at"],
         "title_change": (before["title"], after["title"]) if before["title"] != after["title"] else None,
         "segments": diff.word_diff(before["text"], after["text"]),
         "too_long": diff.too_long_note(before["text"], after["text"])}
        for before, after in zip(versions, versions[1:])
    ]
    return list(reversed(changes))


async def post_page(datasette, request):
    post_id = int(request.url_vars["post_id"])
    if not 0 < post_id <= MAX_ID:
        raise NotFound(f"No post {post_id}")
    db = served_database(datasette)
    post = await db.execute_fn(lambda conn: post_detail(sqlite_utils.Database(conn), post_id))
    if post is None:
        raise NotFound(f"No post {post_id}")
    context = {
        "post": post,
        "paragraphs": paragraphs(post["text"]),
        "summary_sentences": paragraphs(post["summary"] or ""),
        # In a thread: even bounded, the diffs of a long history must not hold up other requests.
        "changes": await asyncio.to_thread(version_changes, post["versions"]),
        "database": db.name,
        "post_path": lambda post_id: post_path(datasette, post_id),
    }
    return Response.html(await datasette.render_template("clinicwatch_post.html", context, request=request))


async def charts_page(datasette, request):
    relevant_only = request.args.get("relevant") == "1"
    suffix = "?relevant=1" if relevant_only else ""
    charts = [{"title": chart.title, "svg": datasette.urls.path(f"/-/charts/{name}.svg") + suffix,
               "png": datasette.urls.path(f"/-/charts/{name}.png") + suffix}
              for name, chart in CHARTS.items()]
    context = {"charts": charts, "relevant_only": relevant_only, "database": served_database(datasette).name}
    return Response.html(await datasette.render_template("clinicwatch_charts.html", context, request=request))


async def chart_image(datasette, request):
    name, fmt = request.url_vars["name"], request.url_vars["fmt"]
    if name not in CHARTS:
        raise NotFound(f"No chart {name}")
    relevant_only = request.args.get("relevant") == "1"
    db = served_database(datasette)
    # execute_fn runs on Datasette's database thread, so drawing does not hold up the event loop.
    body = await db.execute_fn(lambda conn: chart_bytes(sqlite_utils.Database(conn), name, fmt, relevant_only))
    return Response(body, content_type=CONTENT_TYPES[fmt])


async def search(datasette, request):
    """/-/search?q=... goes to the `search` canned query of the served database (a stable address
    for the search box, whatever the database file is called)."""
    db = served_database(datasette)
    query = urlencode({"q": request.args.get("q", "")})
    return Response.redirect(datasette.urls.database(db.name) + "/search?" + query)


def host_name(header: str) -> str:
    """The name of a Host header, without its port: "[::1]:8001" -> "::1", "Example.org.:80" -> "example.org"."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    if header.count(":") == 1:
        header = header.partition(":")[0]
    return header.rstrip(".")


def is_ip_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def host_allowed(header: str | None, bound_to: str) -> bool:
    """Browser DNS rebinding points a name the attacker controls at 127.0.0.1, so a page of theirs
    can read ours: only the names this server was started for are answered (loopback, and --host).
    Bound to every interface (0.0.0.0, ::), an IP address and this machine's own names are answered
    too: an address cannot be rebound."""
    if not header:
        return False
    name = host_name(header)
    bound = host_name(bound_to)
    if name in LOOPBACK_HOSTS or name == bound:
        return True
    if bound in ("0.0.0.0", "::", ""):
        return is_ip_address(name) or name in {socket.gethostname().lower(), socket.getfqdn().lower()}
    return False


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def check_host(scope, receive, send):
            if scope["type"] in ("http", "websocket"):
                bound_to = (datasette.plugin_config("clinicwatch_browse") or {}).get("host", "127.0.0.1")
                headers = dict(scope.get("headers") or [])
                host = headers.get(b"host", b"").decode("latin-1")
                if not host_allowed(host, bound_to):
                    if scope["type"] == "websocket":
                        await send({"type": "websocket.close", "code": 1008})
                        return
                    body = (f"421 Misdirected Request: this server answers for {bound_to}, 127.0.0.1 and "
                            "localhost only (clinicwatch serve --host).\n").encode()
                    await send({"type": "http.response.start", "status": 421,
                                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                            (b"content-length", str(len(body)).encode())]})
                    await send({"type": "http.response.body", "body": body})
                    return
            await app(scope, receive, send)
        return check_host
    return wrap


@hookimpl
def extra_css_urls(datasette):
    # Served by `clinicwatch serve --static cw:db/datasette/static`.
    return [datasette.urls.path("/cw/clinicwatch.css")]
