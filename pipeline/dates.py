"""Publication dates written in a page's text or URL."""

from __future__ import annotations

import re
from datetime import date

from lxml import etree
from lxml.html import HtmlElement

from .html_tree import class_and_id_tokens, normalised_token, spaced_text

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_DATE_PATTERNS = (
    re.compile(r"(?<!\d)(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})(?!\d)"),
    # US order: the clinics are American
    re.compile(r"(?<!\d)(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})(?!\d)"),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+(?P<year>\d{{4}})\b", re.I),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})\b", re.I),
)
# /2025/03/04/slug or a slug holding 2025-03-04
_URL_DATE = re.compile(
    r"/(?P<year>(?:19|20)\d{2})/(?P<month>\d{1,2})/(?P<day>\d{1,2})(?:/|$)"
    r"|(?<!\d)(?P<iso>(?:19|20)\d{2}-\d{2}-\d{2})(?!\d)"
)
# Visible dates introduced as the publication date ("Posted March 3, 2025").
_PUBLISHED_PHRASE = re.compile(r"\b(?:posted|published)(?:\s+on)?\s*:?\s*$", re.I)
# Elements a theme marks as holding the date ("entry-meta", "post-date", "byline").
_DATE_CLASS = re.compile(r"(?:^|-)(?:date|posted|published|pubdate|time-?stamp|byline|meta)(?:-|$)")
# Such an element is a short line; a long one is a container whose class only mentions it.
_MAX_DATE_LINE_CHARS = 200
_UPDATE_CLASS = re.compile(r"updated|modified")
_EARLIEST_YEAR = 1995  # before the web had blogs


def _valid_date(year: int, month: int, day: int) -> str | None:
    if not _EARLIEST_YEAR <= year <= date.today().year + 1:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _date_from_match(match: re.Match) -> str | None:
    month = match.group("month")
    number = int(month) if month.isdigit() else _MONTHS[month[:3].lower()]
    return _valid_date(int(match.group("year")), number, int(match.group("day")))


def dates_in(text: str) -> list[tuple[int, str]]:
    """(position, ISO date) of every recognised date in the text, in order."""
    found = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            if iso := _date_from_match(match):
                found.append((match.start(), iso))
    return sorted(found)


def first_date(text: str | None) -> str | None:
    dates = dates_in(text or "")
    return dates[0][1] if dates else None


def date_from_url(url: str | None) -> str | None:
    path = re.sub(r"^[a-z]+://[^/]+", "", url or "", flags=re.I)
    for match in _URL_DATE.finditer(path):
        if match.group("iso"):
            iso = first_date(match.group("iso"))
        else:
            iso = _valid_date(int(match.group("year")), int(match.group("month")), int(match.group("day")))
        if iso:
            return iso
    return None


def date_from_visible_text(stripped: HtmlElement) -> str | None:
    times = list(stripped.iter("time"))
    # WordPress prints both <time class="entry-date published"> and <time class="updated">
    first_published = sorted(times, key=lambda time: bool(_UPDATE_CLASS.search(time.get("class") or "")))
    for time in first_published:
        if iso := first_date(time.get("datetime")) or first_date(spaced_text(time)):
            return iso
    for element in stripped.iter(etree.Element):
        if any(_DATE_CLASS.search(normalised_token(token)) for token in class_and_id_tokens(element)):
            line = spaced_text(element)
            if len(line) <= _MAX_DATE_LINE_CHARS and (iso := first_date(line)):
                return iso
    text = spaced_text(stripped)
    for position, iso in dates_in(text):
        if _PUBLISHED_PHRASE.search(text[max(0, position - 30) : position]):
            return iso
    return None
