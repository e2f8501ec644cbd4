"""Broken markup (issue 15, part 1): the post's whole text, as a browser shows it, and no chrome.
Parsing (pipeline/html_tree.parse_page) and the continuations stage (pipeline/continuations.py)
alone, then the whole extractor on a hand-written clinic page broken in each usual way."""

from __future__ import annotations

import pytest

from pipeline.continuations import rejoin_continuations
from pipeline.extract import extract_page
from pipeline.html_tree import parse_page

POST = [
    "Ketamine blocks NMDA receptors on inhibitory neurons, and the glutamate surge that follows is "
    "thought to set off the growth of new synapses in the prefrontal cortex within a day.",
    "That is why patients at our Duluth clinic sometimes feel a lift after the first infusion, while "
    "ordinary antidepressants take weeks to show whether they work at all for a given person.",
    "The effect fades over one or two weeks, so a first course is six infusions over three weeks, "
    "followed by single booster sessions when the low mood starts to come back again.",
    "Blood pressure rises during an infusion, so a nurse checks it every fifteen minutes and the "
    "dose is adjusted to your weight, your history and how you responded the time before.",
    "Most people feel detached or dreamy for about forty minutes; we ask you to bring someone who "
    "can drive you home, and to plan nothing demanding for the rest of that afternoon.",
    "Therapy in the days after an infusion helps new habits of thought take hold while the brain is "
    "most able to change, which is why we ask every patient to keep their therapist involved.",
]
CHROME = [
    "We use cookies on this site",  # cookie bar
    "About Us",  # menu
    "Share this post",  # share links
    "Facebook",
    "Recent posts",  # sidebar
    "What to expect at your first visit",
    "Join our monthly letter",  # newsletter
    "Book your free consultation",  # footer
    "All rights reserved",
]


def clinic_page(post_html: str, *, end: str = "</body>\n</html>") -> str:
    """A hand-written clinic site's post page, as the demo's handwritten style writes them."""
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>How ketamine works | Lakehead Clinic</title></head>
<body>
<div id="cookie-bar">We use cookies on this site <button>Accept</button></div>
<div id="container">
<div id="menu"><a href="/">Home</a> | <a href="/about.html">About Us</a> | <a href="/news/">News</a></div>
<div id="content"><div id="main">
<div class="post"><h1>How ketamine works</h1>
<div class="postbody">
{post_html}
</div>
<p class="share">Share this post: <a href="https://www.facebook.com/sharer/">Facebook</a> | <a href="mailto:?">Email</a></p>
</div></div>
<div id="sidebar"><h3>Recent posts</h3><ul class="recent"><li><a href="/news/first.html">What to expect at your first visit</a></li></ul>
<div class="signup"><h3>Newsletter</h3><p>Join our monthly letter about new treatments</p></div></div>
</div>
<div id="footer"><p class="cta"><b>Book your free consultation</b> call 218-555-0100</p>
<p>&copy; 2016-2025 Lakehead Clinic. All rights reserved.</p></div>
</div>
{end}"""


def paragraphs(first: int, last: int, close: bool = True) -> str:
    return "".join(f"<p>{text}{'</p>' if close else ''}\n" for text in POST[first:last])


BROKEN = {
    # the page: unclosed <p>s and a stray </div></span> in the middle of the text
    "stray </div></span> mid-article": paragraphs(0, 3, close=False) + "</div></span>" + paragraphs(3, 6, False),
    "stray end tags closing two containers": paragraphs(0, 3) + "</div></div></span>" + paragraphs(3, 6),
    "stray end tags closing three containers": paragraphs(0, 2) + "</div></div></div>" + paragraphs(2, 6),
    "stray </article></section>": paragraphs(0, 3) + "</article></section></div></div>" + paragraphs(3, 6),
    "stray </body></html> mid-article": paragraphs(0, 3) + "</body></html>" + paragraphs(3, 6),
    "a second <html> mid-article": paragraphs(0, 3) + "<html><head><title>x</title></head><body>" + paragraphs(3, 6),
    "unclosed divs": "<div>" + paragraphs(0, 2) + "<div class='part'>" + paragraphs(2, 4) + "<div>" + paragraphs(4, 6),
    "unclosed <p>": paragraphs(0, 6, close=False),
}


@pytest.mark.parametrize("breakage", BROKEN)
def test_broken_post_gives_its_whole_text_and_no_chrome(breakage):
    text = extract_page(clinic_page(BROKEN[breakage])).text
    assert text == "\n\n".join(POST)
    assert not [phrase for phrase in CHROME if phrase in text]


def test_missing_body_and_html_end_tags_give_the_whole_text():
    text = extract_page(clinic_page(paragraphs(0, 6, close=False), end="")).text
    assert text == "\n\n".join(POST)


@pytest.mark.parametrize("breakage", ["stray end tags closing two containers", "stray </body></html> mid-article",
                                      "a second <html> mid-article"])
def test_stray_end_tags_and_a_second_html_mark_the_parse_broken(breakage):
    assert parse_page(clinic_page(BROKEN[breakage]))[1]


@pytest.mark.parametrize("post", [paragraphs(0, 6), paragraphs(0, 6, close=False)])
def test_well_formed_pages_and_omitted_optional_end_tags_are_not_broken(post):
    # the browser's parse is for broken pages only: it costs about twenty lxml parses
    assert not parse_page(clinic_page(post))[1]
    assert not parse_page(clinic_page(post, end=""))[1]


def test_text_after_a_stray_body_end_tag_stays_in_the_post_as_a_browser_puts_it():
    tree, broken = parse_page(clinic_page(BROKEN["stray </body></html> mid-article"]))
    assert broken
    [postbody] = tree.xpath("//div[@class='postbody']")
    assert [" ".join(p.text_content().split()) for p in postbody.iter("p")] == POST
    assert tree.xpath("//div[@id='footer']")  # lxml alone drops everything after </body>


def test_continuations_are_moved_into_the_post_in_order_up_to_the_share_links():
    tree, _ = parse_page(clinic_page(BROKEN["stray end tags closing two containers"]))
    assert rejoin_continuations(tree) == 3
    [postbody] = tree.xpath("//div[@class='postbody']")
    assert [" ".join(p.text_content().split()) for p in postbody.iter("p")] == POST
    assert tree.xpath("//p[@class='share']")[0].getparent().get("id") == "content"


def test_continuations_stop_at_a_line_of_links_and_at_layout_blocks():
    html = (
        "<html><body><div id='main'><div class='entry'>" + paragraphs(0, 2) + "</div>" + paragraphs(2, 3)
        + "<p>Tell a friend: <a href='/a'>Facebook</a> <a href='/b'>Twitter</a> <a href='/c'>E-mail</a></p>" + paragraphs(3, 4)
        + "</div><div class='x'>" + paragraphs(4, 6) + "</div></body></html>"
    )
    tree, _ = parse_page(html)
    assert rejoin_continuations(tree) == 1
    [entry] = tree.xpath("//div[@class='entry']")
    assert [" ".join(p.text_content().split()) for p in entry.iter("p")] == POST[:3]


def test_continuations_never_start_in_chrome():
    html = (
        "<html><body><div class='cookie-notice'><p>" + POST[5] + "</p></div><p>Loose words after the banner "
        "that are long enough to be prose if they were taken for the start of the post by the stage.</p>"
        "</body></html>"
    )
    tree, _ = parse_page(html)
    assert rejoin_continuations(tree) == 0
