"""A post whose markup closed its container early, joined again: on a page whose parse showed
broken markup (pipeline.html_tree.parse_page), the paragraphs that follow the post's container
(stray </div>s put them beside it, one or more levels up) are moved back into it, up to the
next real chrome. A browser shows them as the post's; trafilatura, which takes the post's
container, would drop them.

Run only on broken pages: on well-formed ones a paragraph after the post's container was put
there on purpose."""

from __future__ import annotations

from lxml.html import HtmlElement

from .chrome import is_chrome

# A paragraph this long is the post's prose, not a caption or a byline (as in pipeline.chrome).
_PROSE_PARAGRAPH = 100
# What a post's text is made of once its container is closed: a <div> or <section> beside
# it is layout (the sidebar, the footer), where the post ends.
_TEXT_BLOCKS = frozenset(
    {"p", "ul", "ol", "dl", "blockquote", "pre", "table", "figure", "h2", "h3", "h4", "h5", "h6"}
)


def _text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _first_prose_container(body: HtmlElement) -> HtmlElement | None:
    """The parent of the page's first long paragraph outside chrome: where the post starts."""
    for paragraph in body.iter("p"):
        if len(_text(paragraph)) >= _PROSE_PARAGRAPH and not any(
            is_chrome(element) for element in paragraph.iterancestors()
        ):
            return paragraph.getparent()
    return None


def _ends_the_post(element: HtmlElement, text: str) -> bool:
    """Chrome, a layout block, or a line of links (share links without a class)."""
    if element.tag not in _TEXT_BLOCKS or is_chrome(element):
        return True
    linked = sum(len(_text(link)) for link in element.iter("a"))
    return linked * 2 >= len(text)


def rejoin_continuations(tree: HtmlElement) -> int:
    """Moves the text blocks that follow the post's container, at its level and the levels
    above it, to the container's end, in order; stops at the first block that ends the post.
    Returns how many blocks were moved."""
    body = tree.find("body")
    container = _first_prose_container(body) if body is not None else None
    moved, level = 0, container
    while level is not None and level is not body:
        sibling = level.getnext()
        while sibling is not None:
            following = sibling.getnext()
            if not isinstance(sibling.tag, str):  # a comment or processing instruction
                sibling = following
                continue
            text = _text(sibling)
            if text:
                if _ends_the_post(sibling, text):
                    return moved
                container.append(sibling)  # its tail goes with it
                moved += 1
            sibling = following
        level = level.getparent()
    return moved

