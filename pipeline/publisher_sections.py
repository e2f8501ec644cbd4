"""Where a post's own text ends and the sections every post of its publisher repeats begin.

Press releases, and many clinic blogs, end with sections that are the same on every item of
a publisher: "About <Company>", forward-looking statements, contact details, disclaimers.
They are not what the item says. They mention the company's drugs and mechanisms ("its NMDA
platform", "neuroplastic therapies such as ketamine"), which would make a financing notice
look like a post about ketamine and brain change, and they are long, so two different
releases of one company look like near copies of each other.

``split_publisher_sections`` cuts the text at the first line that opens such a section. Whatever
comes after it is the tail: site extraction has already removed the page's chrome, and these
sections are always the last part of an item. A line opens a section when it is:

- an "About <Name>" heading: "About" and a capitalised name, as a short line of its own
  (at most ``MAX_HEADING_WORDS`` words or ending in a colon) or run into the section's first
  sentence, which repeats the name ("About Acme Inc. Acme Inc. is ..."). A heading whose name
  is only treatment words ("About Ketamine Therapy") is a section of the post, not about its
  publisher, and does not count;
- a forward-looking-statements, safe-harbor or cautionary-statement heading, or a paragraph
  that speaks of "forward-looking statements";
- a contact or disclaimer heading ("Media Contact", "Contact Details", "Disclaimer:"), a
  "NOTE TO INVESTORS" line, or an end mark ("###", "-30-").

Only a line after the first ``MIN_BODY_WORDS`` words of the text can open the tail, so a
contact block or a disclaimer at the top of an item never takes the item with it.
"""

from __future__ import annotations

import re

MAX_HEADING_WORDS = 12
# A section heading counts only after this many words of the item's own: a press release that opens
# with its media contact, or a post whose first line is "Disclaimer: ...", keeps its text.
MIN_BODY_WORDS = 30

_ABOUT = re.compile(r"^\s*(?:About|ABOUT)\s+(?:(?:the|The|THE)\s+)?(?P<name>[A-Z\[][^\s,:.]*)")
# Words that name what a post is about rather than who publishes it.
_TOPIC_WORD = re.compile(
    r"^(?:the|a|an|of|and|&|[-–—:]|ketamine|esketamine|spravato|therapy|therapies|treatments?|infusions?"
    r"|depression|anxiety|ptsd|ocd|pain|tms|psilocybin|psychedelics?|neuroplasticity|brain|mental|health)$",
    re.IGNORECASE,
)
_SECTION_HEADING = re.compile(
    r"^\s*(?:forward[- ]looking statements?|safe harbou?r(?: statement)?|cautionary (?:note|statement)s?\b.*"
    r"|(?:media|press|investor) contacts?|contact(?: details| information)?|disclaimers?)\s*:?\s*$",
    re.IGNORECASE,
)
_SECTION_START = re.compile(
    r"^\s*(?:contact details|note to investors\b|#{3,}\s*$|-\s*30\s*-\s*$)|forward[- ]looking statements?\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")


def split_publisher_sections(text: str) -> tuple[str, str]:
    """(body, tail) of the text: the tail starts at the first line opening a publisher's section."""
    offset = words = 0
    for line in text.splitlines(keepends=True):
        if words >= MIN_BODY_WORDS and _opens_section(line):
            return text[:offset].rstrip(), text[offset:]
        offset += len(line)
        words += len(_WORD.findall(line))
    return text, ""


def own_text(text: str) -> str:
    """The text without its trailing publisher sections (see the module docstring)."""
    return split_publisher_sections(text)[0]


def _opens_section(line: str) -> bool:
    return bool(_SECTION_HEADING.match(line) or _SECTION_START.search(line) or _is_about_heading(line))


def _is_about_heading(line: str) -> bool:
    match = _ABOUT.match(line)
    if not match:
        return False
    words = [word.strip("[](),.:") for word in line.split()]
    name = match.group("name").strip("[]")
    if len(words) <= MAX_HEADING_WORDS or line.rstrip().endswith(":"):
        heading = words[1:]
    else:
        # Run into its first sentence, an About section names its subject again right away.
        repeat = next((i for i in range(2, min(len(words), MAX_HEADING_WORDS + 2)) if words[i] == name), None)
        if repeat is None:
            return False
        heading = words[1:repeat]
    return any(word[:1].isupper() and not _TOPIC_WORD.match(word) for word in heading)
