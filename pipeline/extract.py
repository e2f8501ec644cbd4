"""Main text and metadata of one page, in stages over one parsed tree:

1. decode (pipeline.encoding): the page's text from its bytes;
2. parse (pipeline.html_tree): one lxml tree, as trafilatura parses; a page whose parse
   shows broken markup is parsed as a browser does (html5lib);
3. declarations (pipeline.metadata, pipeline.canonical): what the head and JSON-LD declare
   (dates, author, titles, the canonical link), read before anything is removed;
4. on broken pages, continuations (pipeline.continuations): paragraphs that stray end tags
   put after the post's container moved back into it;
5. site chrome (pipeline.chrome): navigation, banners, calls to action, related posts and
   author boxes removed in place, and a post that ads split into blocks joined again;
6. date, heading and title (pipeline.dates, pipeline.metadata), from the declarations and
   the tree without its chrome, each date recording where it came from;
7. main text (pipeline.text): trafilatura in its fast mode on that tree, in paragraphs,
   without a leading copy of the title or a closing call to action.

Each stage is a function of its own module, testable alone; bench/extraction.py measures
the whole against plain trafilatura.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import trafilatura

from .canonical import declared_canonical
from .chrome import strip_site_chrome
from .continuations import rejoin_continuations
from .encoding import decode_html
from .html_tree import ExtractionError, parse_page
from .metadata import (
    declared_author,
    declared_date,
    json_ld_objects,
    meta_values,
    post_author,
    post_heading,
    post_title,
    published_date,
)
from .text import main_text, without_closing_calls_to_action, without_leading_title

EXTRACTOR = f"trafilatura {trafilatura.__version__}+clinicwatch"
# The most bytes of one page `clinicwatch extract` reads, inflated: the crawler's limit, DOWNLOAD_MAXSIZE's
# default in crawler/settings.py (tests/test_extract.py checks they agree). Before, a 255 KB .html.gz
# inflated to 1.1 GB in memory (issue 12, item 11).
MAX_PAGE_BYTES = 10 * 1024 * 1024
# Fewer words than this in a post page's main text means the text is not in the HTML.
MIN_POST_WORDS = 40


@dataclass(frozen=True)
class ExtractedPage:
    title: str | None
    author: str | None
    published_at: str | None  # ISO date, YYYY-MM-DD
    date_source: str | None  # "json-ld", "meta", "text", "url" or None
    text: str  # paragraphs separated by one blank line
    extractor: str
    url: str | None = None  # the URL given, else the page's own canonical URL
    # Its <link rel="canonical"> href as written (pipeline.canonical.declared_canonical), read
    # from this parse so the crawl's CanonicalUrl stage does not parse the page again.
    declared_canonical: str | None = None



# C0 control characters (and DEL) are never text: a page that carries them, raw or as &#2;, loses
# them here. The browse app relies on it: its search snippets mark matched words with STX and
# ETX, which a post could otherwise forge (issue 12, item 7).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_controls(value: str | None) -> str | None:
    return CONTROL_CHARACTERS.sub("", value) if value else value


def extract_page(html: str | bytes, url: str | None = None, *, site_name: str | None = None) -> ExtractedPage:
    """Main text and metadata of one page (bytes are decoded with decode_html)."""
    source = decode_html(html) if isinstance(html, bytes) else html
    tree, broken = parse_page(source)
    # What the page declares in <head> and JSON-LD is read before the chrome goes: the pass
    # works in place, and the main-text fallback parses the source again.
    objects, meta = json_ld_objects(tree), meta_values(tree)
    declared = declared_canonical(tree)
    page_url = url or declared or meta.get("og:url")
    date_declared, author_declared = declared_date(tree, objects, meta), declared_author(objects, meta)
    head_titles = (meta.get("og:title"), next((t.text_content() for t in tree.iterfind("head/title")), None))
    if broken:
        rejoin_continuations(tree)
    landmarks = strip_site_chrome(tree)  # from here on, the tree is the page without its chrome
    published_at, date_source = published_date(date_declared, tree, page_url)
    heading = post_heading(tree, landmarks)
    title = post_title(heading, head_titles, meta, site_name)
    text = without_closing_calls_to_action(without_leading_title(main_text(tree, source), [title, heading]))
    return ExtractedPage(
        title=without_controls(title),
        author=without_controls(post_author(author_declared, tree)),
        published_at=published_at,
        date_source=date_source,
        text=without_controls(text),
        extractor=EXTRACTOR,
        url=page_url,
        declared_canonical=declared,
    )


def extract_body(body: bytes, content_type: str | None, url: str, site_name: str | None) -> tuple[str, ExtractedPage]:
    """A fetched page's decoded HTML and its extraction: the crawl's ExtractText work, one
    picklable call (pipeline.offload runs it in a pool process)."""
    html = decode_html(body, content_type)
    return html, extract_page(html, url, site_name=site_name)


def _is_page_file(path: Path) -> bool:
    return path.name.lower().endswith((".html", ".html.gz"))


def iter_page_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The given files, and the .html/.html.gz files under the given folders (sorted)."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(found for found in path.rglob("*") if found.is_file() and _is_page_file(found))
        elif path.exists():
            yield path
        else:
            raise ExtractionError(f"{path}: no such file or folder")


def read_page_file(path: Path, limit: int = MAX_PAGE_BYTES) -> bytes:
    """A saved page's bytes, a .gz inflated, refused past `limit` bytes (inflated) without reading further."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as handle:
        body = handle.read(limit + 1)
    if len(body) > limit:
        raise ExtractionError(
            f"{path}: larger than {limit} bytes{' inflated' if opener is gzip.open else ''} (the crawler's "
            "DOWNLOAD_MAXSIZE); clinicwatch extract reads pages up to that size")
    return body


def extract_file(path: str | Path, url: str | None = None) -> ExtractedPage:
    """extract_page over a saved .html or .html.gz file; errors name the file."""
    path = Path(path)
    try:
        return extract_page(read_page_file(path), url)
    except ExtractionError:
        raise
    except Exception as error:  # whatever fails, the user needs to know on which file
        raise ExtractionError(f"{path}: {error}") from error


def page_record(path: str | Path, url: str | None = None) -> dict:
    """The object `clinicwatch extract` prints for one file."""
    page = asdict(extract_file(path, url))
    fields = ("url", "title", "author", "published_at", "text")
    return {"path": str(path), **{field: page[field] for field in fields}}
