"""clinicwatch's Datasette plugin, loaded by `clinicwatch serve` through --plugins-dir.

- /-/posts/<id>: a post to read: title, clinic, date, summary, its text in paragraphs, its
  mentions, its copies on other sites, its versions with a word-level diff of each change.
- /-/charts: posts per month per clinic and mention categories over time (the figures of
  `clinicwatch report`, as SVG); /-/charts/<name>.svg|png serves one.
- /-/search?q=...: the ranked, highlighted search (the `search` canned query).
- Cells: a post's title links to its page; a search hit's matched words are highlighted; a
  mention's sentence has its matched words highlighted.
- cw_word_diff(old, new), an SQL function for the `changed_since` canned query.

Everything from the database reaches the page escaped (Jinja autoescape, markupsafe.escape
before any markup is added), so a post's text can never add HTML or script to a page.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from urllib.parse import urlencode

import sqlite_utils
from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from markupsafe import Markup, escape

from clinicwatch.charts import CHARTS, chart_bytes
from db.queries import post_detail
from pipeline.sentences import paragraphs

# snippet() in the search canned query wraps matched words in these; they are never in prose.
HIT_START, HIT_END = "\u27e6", "\u27e7"
# Tables and views whose rows are posts (their `id` is the post id).
POST_TABLES = {"posts", "posts_browse", "posts_with_summaries", "posts_export"}
# Unchanged words kept on each side of a change in a diff.
CONTEXT_WORDS = 8
CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """What changed from old to new, word by word: ("equal" | "delete" | "insert", words) segments.
    Unchanged stretches keep CONTEXT_WORDS words next to each change, with "…" for the rest."""
    a, b = old.split(), new.split()
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    segments = []
    for number, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            words = a[i1:i2]
            head = words[:CONTEXT_WORDS] if number > 0 else []
            tail = words[-CONTEXT_WORDS:] if number < len(opcodes) - 1 else []
            if len(head) + len(tail) < len(words):
                words = [*head, "\u2026", *tail]
            segments.append(("equal", " ".join(words)))
            continue
        if i2 > i1:
            segments.append(("delete", " ".join(a[i1:i2])))
        if j2 > j1:
            segments.append(("insert", " ".join(b[j1:j2])))
    return segments


def word_diff_text(old: str | None, new: str | None) -> str | None:
    """The diff in wdiff's notation, [-removed-] {+added+}, for a plain-text cell or a CSV."""
    if old is None or new is None:
        return None
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return " ".join(marks[op].format(words) for op, words in word_diff(old, new))


def highlight_hit(value: str) -> Markup:
    """A search snippet with its matched words in <mark>: escaped first, so only our tags are HTML."""
    return Markup(str(escape(value)).replace(HIT_START, "<mark>").replace(HIT_END, "</mark>"))


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


def post_path(datasette, post_id) -> str:
    return datasette.urls.path(f"/-/posts/{int(post_id)}")


@hookimpl
def prepare_connection(conn):
    conn.create_function("cw_word_diff", 2, word_diff_text, deterministic=True)


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
    if column == "sentence" and "matched" in keys and row["matched"]:
        return mark_phrase(value, row["matched"])
    if column == "title":
        post_id = row["id"] if table in POST_TABLES else (row["post_id"] if "post_id" in keys else None)
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


async def post_page(datasette, request):
    post_id = int(request.url_vars["post_id"])
    db = served_database(datasette)
    post = await db.execute_fn(lambda conn: post_detail(sqlite_utils.Database(conn), post_id))
    if post is None:
        raise NotFound(f"No post {post_id}")
    versions = post["versions"]
    changes = [
        {"seen_at": after["seen_at"], "previous_seen_at": before["seen_at"],
         "title_change": (before["title"], after["title"]) if before["title"] != after["title"] else None,
         "segments": word_diff(before["text"], after["text"])}
        for before, after in zip(versions, versions[1:])
    ]
    context = {
        "post": post,
        "paragraphs": paragraphs(post["text"]),
        "summary_sentences": paragraphs(post["summary"] or ""),
        "changes": list(reversed(changes)),
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


@hookimpl
def extra_css_urls(datasette):
    # Served by `clinicwatch serve --static cw:db/datasette/static`.
    return [datasette.urls.path("/cw/clinicwatch.css")]
