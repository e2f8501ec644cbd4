"""Site chrome: the parts of a page that are the site, not the post (navigation, cookie banners,
newsletter boxes, comments, related posts, author boxes, calls to action), removed from the
parsed tree before trafilatura sees it; and a post that ads split into blocks joined again."""

from __future__ import annotations

import functools
import re

from lxml import etree
from lxml.html import HtmlElement

from .html_tree import normalised_token

# Elements that by HTML semantics never hold a post's body: site navigation, tangential
# content (sidebars, pull-outs), forms (search, comment, newsletter) and dialogs.
_CHROME_TAGS = frozenset({"nav", "aside", "form", "dialog"})
# A page's header and footer are chrome (logo, menus, contact CTA); an article's own
# header and footer (title, byline, date) stay, for the metadata readers.
_PAGE_LEVEL_TAGS = frozenset({"header", "footer"})
# The same landmarks declared with ARIA roles, plus dialogs (consent and popup boxes).
_CHROME_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog"}
)
# Class/id tokens are compared after normalising to lower-case words joined by "-"
# (relatedPosts, related_posts and related-posts are the same token).
_CHROME_TOKEN = re.compile(
    "|".join(
        (
            # consent banners and their settings panels
            r"cookie|consent|gdpr",
            # e-mail capture boxes
            r"newsletter|subscribe|subscription|mailchimp|mc4wp|(?:^|-)(?:sign-?up|opt-?in)(?:-|$)",
            # share buttons
            r"(?:^|-)(?:share|sharing|social)(?:-|$)|sharedaddy|sharethis|addthis|addtoany",
            # lists of other posts
            r"(?:^|-)(?:related|recent|popular|trending)(?:-|$)|relatedposts|read-?next|more-stories",
            # comments and the reply form
            r"(?:^|-)(?:comments?|respond|disqus)(?:-|$)|commentlist",
            # author boxes; a bare "author" class is the byline, which is not removed
            r"author-?(?:bio|box|info|card|profile|description)|about-(?:the-)?author",
            r"breadcrumb",
            # sidebars; "widget" only as the leading word (WordPress sidebar widgets are
            # "widget widget_recent_entries"), because page builders wrap body text in
            # classes like "elementor-widget-text-editor"
            r"sidebar|^widgets?(?:-|$)",
            # calls to action ("Book a free consultation")
            r"(?:^|-)cta(?:-|$)|call-to-action",
            r"popup|(?:^|-)modal(?:-|$)",
        )
    )
)
# Tokens that describe a state or a taxonomy term rather than what the element is:
# WordPress puts "has-sidebar" on <body> and "category-social-anxiety" on the <article>.
_DESCRIPTIVE_FIRST_WORDS = frozenset(
    {"has", "is", "with", "without", "no", "category", "tag", "format", "type", "status"}
)
_MAIN_CONTAINERS = etree.XPath(".//main | .//*[@role='main' or @itemprop='articleBody']")
# Blocks that open with these words and are mostly a link are a pointer to another page
# put inside the post ("Related: ...", "READ MORE: ...").
_TEASER_CUE = re.compile(
    r"(?:related(?:\s+(?:articles?|posts?|stories|reading|content))?|(?:read|see)\s+(?:more|also|next)"
    r"|also\s+(?:read|see|on)|don'?t\s+miss|you\s+(?:may|might)\s+also\s+like|recommended(?:\s+for\s+you)?"
    r"|more\s+(?:from|on|stories)|click\s+here)\b",
    re.I,
)
_LONGEST_TEASER_CUE = len("you might also like")
_TEASER_TAGS = frozenset({"p", "div", "section", "li", "h2", "h3", "h4", "h5", "h6"})
_MAX_TEASER_CHARS = 200
# A paragraph this long makes a block a continuation of the post rather than a teaser.
_CONTINUATION_PARAGRAPH = 100
_MAX_TEXT_BETWEEN_PARTS = 40
_STRUCTURAL_EMPTY_TAGS = frozenset({"br", "hr", "td", "th", "tr", "li", "p"})
_EMPTY = "clinicwatch-empty"
_NEVER_TEXT_TAGS = ("script", "style", "svg", "noscript", "template", "iframe")


@functools.lru_cache(maxsize=65536)
def _is_chrome_token(token: str) -> bool:
    normalised = normalised_token(token)
    return normalised.split("-", 1)[0] not in _DESCRIPTIVE_FIRST_WORDS and bool(_CHROME_TOKEN.search(normalised))


def _text_lengths(elements: list[HtmlElement]) -> dict[HtmlElement, int]:
    """Characters of text (stripped text nodes) in each element of a subtree without
    scripts or styles, listed in document order. One pass from the leaves up, each element
    adding its total to its parent's: measured element by element, each text node would be
    read once for each of its ancestors."""
    lengths = dict.fromkeys(elements, 0)
    for element in reversed(elements):
        text = element.text
        total = lengths[element] + (len(text.strip()) if text else 0)
        lengths[element] = total
        parent = element.getparent()
        if parent in lengths:
            tail = element.tail
            lengths[parent] += total + (len(tail.strip()) if tail else 0)
    return lengths


def _paragraph_core(root: HtmlElement, lengths: dict[HtmlElement, int]) -> HtmlElement | None:
    """The element whose direct <p> children hold the most text: where the post's prose
    is, whatever the classes around it say (the Readability heuristic)."""
    scores: dict[HtmlElement, int] = {}
    for paragraph in root.iter("p"):
        parent = paragraph.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + lengths[paragraph]
    return max(scores, key=scores.get, default=None)


def _landmarks(root: HtmlElement, lengths: dict[HtmlElement, int]) -> list[HtmlElement]:
    """The elements that say they hold the post: the longest <article> (the post, not a
    teaser in a list of posts), then <main>, role=main and articleBody elements."""
    article = max(root.iter("article"), key=lengths.__getitem__, default=None)
    return ([article] if article is not None else []) + _MAIN_CONTAINERS(root)


def _signature(element: HtmlElement) -> tuple[str, str | None, str, str | None]:
    parent = element.getparent()
    return element.tag, element.get("class"), parent.tag, parent.get("class")


def _join_split_post(core: HtmlElement, lengths: dict[HtmlElement, int]) -> None:
    """Joins the paragraph core and its continuations into the first of them: elements of
    the same tag and class, under a parent of the same tag and class, that hold paragraphs
    themselves. News and page-builder templates cut a post into such blocks to put ads or
    calls to action between them, and trafilatura takes the first block only."""
    # Layout blocks only: consecutive quotes or asides of one class are the post's own structure.
    if core.tag not in ("div", "section") or not core.get("class"):
        return
    signature = _signature(core)
    parts = [
        element
        for element in core.getroottree().iter(core.tag)
        if element is core
        or (
            _signature(element) == signature
            and any(lengths.get(child, 0) >= _CONTINUATION_PARAGRAPH for child in element.iterchildren("p"))
        )
    ]
    # Only blocks with next to no text between them (an ad's label): anything more is
    # part of the page, which the join would move out of order.
    joined = 1
    while joined < len(parts) and _text_between(parts[joined - 1], parts[joined]) <= _MAX_TEXT_BETWEEN_PARTS:
        joined += 1
    first = parts[0]
    for part in parts[1:joined]:
        first.extend(part)  # moves the children, in document order
        part.drop_tree()


# Elements that make a block of their content: a <div> holding any of them is layout.
_BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "ul", "ol", "dl", "table", "blockquote", "pre", "figure", "form",
     "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "aside", "nav", "iframe", "br", "hr"}
)


def _paragraphs_from_bare_divs(core: HtmlElement) -> None:
    """The post's text written in a <div> of inline content among its paragraphs (a
    subheading as <div class="subheadline">, a sentence the editor left without <p>) made a
    paragraph: trafilatura reads such a <div> as layout and drops its text."""
    for child in core.iterchildren("div"):
        if (child.text or "").strip() and not any(
            isinstance(node.tag, str) and node.tag in _BLOCK_TAGS for node in child.iterdescendants()
        ):
            child.tag = "p"


def _text_between(first: HtmlElement, second: HtmlElement) -> int:
    """Characters of text after the end of first and before the start of second (which follows it)."""
    length, counting = 0, False
    for event, element in etree.iterwalk(first.getroottree().getroot(), events=("start", "end")):
        if event == "start":
            if element is second:
                return length
            if counting:
                length += len((element.text or "").strip())
        else:
            counting = counting or element is first
            if counting:
                length += len((element.tail or "").strip())
    return length


# Cached (as is _is_chrome_token): a theme repeats the same roles and classes on every page.
@functools.lru_cache(maxsize=65536)
def _names_chrome(role: str | None, classes: str | None, id_: str | None) -> bool:
    if (role or "").strip().lower() in _CHROME_ROLES:
        return True
    return any(_is_chrome_token(token) for token in f"{classes or ''} {id_ or ''}".split())


def is_chrome(element: HtmlElement) -> bool:
    tag = element.tag
    if tag in _CHROME_TAGS:
        return True
    if tag in _PAGE_LEVEL_TAGS and next(element.iterancestors("article", "main"), None) is None:
        return True
    return _names_chrome(element.get("role"), element.get("class"), element.get("id"))


def _is_link_teaser(element: HtmlElement) -> bool:
    """A short block that points elsewhere: "Related: <a>...</a>", "READ MORE: <a>...</a>"."""
    head = (element.text or "").lstrip()
    if len(head) > _LONGEST_TEASER_CUE and not _TEASER_CUE.match(head):
        return False  # decided by its first words, without collecting the whole text
    text = " ".join(element.text_content().split())
    if not _TEASER_CUE.match(text):
        return False
    return sum(len(" ".join(link.text_content().split())) for link in element.iter("a")) * 2 >= len(text)


def strip_site_chrome(tree: HtmlElement) -> list[HtmlElement]:
    """Removes the site chrome (see the rules above) from the page's body, in place
    (copying the tree would cost as much as the rest of the pass), and returns the
    landmarks of the post (see _landmarks) for the title.

    Layout classes mention chrome words ("l-sidebar-fixed", "content-with-sidebar-wrp")
    on the very wrappers of the post, so the main content and every element around it
    are kept whatever their classes say, and so is anything holding more than half of
    the page's text."""
    body = tree.find("body")
    if body is None:
        return []
    # Never text, and on many pages most of the elements (inline SVG icons); trafilatura
    # drops them too, but every pass before that would walk them.
    etree.strip_elements(body, *_NEVER_TEXT_TAGS, with_tail=False)
    elements = list(body.iter(etree.Element))
    lengths = _text_lengths(elements)
    core = _paragraph_core(body, lengths)
    landmarks = _landmarks(body, lengths)
    kept = {body}
    for element in [*landmarks, core] if core is not None else landmarks:
        kept.add(element)
        kept.update(element.iterancestors())
    largest_removable = lengths[body] / 2
    # Top down, not into what goes: chrome is often most of a page's elements (menus).
    doomed, empty = [], []
    pending = [body]
    while pending:
        for child in pending.pop().iterchildren(etree.Element):
            length = lengths[child]
            if not length:
                # Nothing to strip in it, and trafilatura's passes take longer the more elements
                # they walk (about a tenth of the extraction time); only elements whose mere
                # presence shapes the text (line breaks, cells, items, paragraphs) stay.
                if child.tag not in _STRUCTURAL_EMPTY_TAGS:
                    empty.append(child)
                continue
            if child not in kept and length <= largest_removable and (
                is_chrome(child)
                or (length <= _MAX_TEASER_CHARS and child.tag in _TEASER_TAGS and _is_link_teaser(child))
            ):
                doomed.append(child)
            else:
                pending.append(child)
    for element in doomed:
        element.drop_tree()  # keeps the tail text, which belongs to the parent
    for element in empty:
        element.tag = _EMPTY  # then one C call removes them all, tails kept
    etree.strip_elements(body, _EMPTY, with_tail=False)
    if core is not None:
        _join_split_post(core, lengths)
        _paragraphs_from_bare_divs(core)
    return landmarks
