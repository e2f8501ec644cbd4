"""The sources file: one [[sites]] table per clinic blog (see README, "The sources file").

Read and checked in full before any crawling starts, so a typo stops the run at once with
an error naming the file, the line and the fix, not half-way through a night.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

ALLOWED_KEYS = {"name", "url", "sitemaps", "feeds", "location", "note"}


@dataclass(frozen=True)
class Source:
    name: str
    url: str
    sitemaps: tuple[str, ...] = field(default_factory=tuple)
    feeds: tuple[str, ...] = field(default_factory=tuple)
    location: str | None = None


class SourcesError(ValueError):
    """The sources file cannot be used; the message names the file, the line and what to change."""


def default_sources_path() -> Path:
    """sources.toml in the current directory, else the one bundled with clinicwatch."""
    local = Path("sources.toml")
    if local.exists():
        return local
    return Path(str(resources.files("crawler") / "sources.toml"))


def _line_of(lines: list[str], index: int, key: str | None = None) -> int:
    """1-based line of the index-th [[sites]] header, or of `key` inside that table (for error messages)."""
    headers = [n for n, line in enumerate(lines, 1) if line.strip().startswith("[[sites]]")]
    if index >= len(headers):
        return 1
    start = headers[index]
    end = headers[index + 1] if index + 1 < len(headers) else len(lines) + 1
    if key:
        for n in range(start, end):
            if lines[n - 1].split("=", 1)[0].strip() == key:
                return n
    return start


def _check_url(value, where: str) -> str:
    try:
        parts = urlsplit(value) if isinstance(value, str) else None
        ok = parts is not None and parts.scheme in ("http", "https") and bool(parts.hostname)
        parts and parts.port  # noqa: B018 (a port out of range raises ValueError here)
    except ValueError as exc:  # "http://[::1/": Invalid IPv6 URL; a port past 65535
        raise SourcesError(f"{where}: {value!r} is not a valid URL ({exc}); write it as "
                           "\"https://clinic.example/blog/\"") from None
    if not ok:
        raise SourcesError(f"{where}: {value!r} is not an http(s) URL; write it as \"https://clinic.example/blog/\"")
    if parts.username is not None or parts.password is not None:
        # Credentials in a URL would be stored in `sites` and `fetches` and sent to every redirect target.
        raise SourcesError(f"{where}: the URL carries a user name or password (name:password@ before the host); remove it: "
                           "clinicwatch crawls public pages only and stores every URL it fetches")
    return value


def _sites_line(lines: list[str]) -> int:
    """1-based line of a `sites = ...` assignment (an inline array instead of [[sites]] tables)."""
    return next((n for n, line in enumerate(lines, 1) if re.match(r"\s*sites\s*=", line)), 1)


def parse_sources(text: str, path: str = "<sources>") -> list[Source]:
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise SourcesError(f"{path}:1: arrays or tables nested too deeply to read; a sources file needs only "
                           "[[sites]] tables of strings and lists of strings") from None
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's TOMLDecodeError has no lineno attribute; the message carries it.
        where = re.search(r"line (\d+)", str(exc))
        raise SourcesError(f"{path}:{where.group(1) if where else 1}: not valid TOML ({exc}); fix that line") from exc
    lines = text.splitlines()
    unknown_top = set(data) - {"sites"}
    if unknown_top:
        raise SourcesError(f"{path}: unknown top-level key(s) {sorted(unknown_top)}; expected only [[sites]] tables")
    tables = data.get("sites")
    if not isinstance(tables, list) or not tables:
        raise SourcesError(f"{path}: no [[sites]] tables; add one per clinic blog (see README)")
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for index, table in enumerate(tables):
        if not isinstance(table, dict):
            raise SourcesError(f"{path}:{_sites_line(lines)}: site {index + 1} is {table!r:.60}, not a table; write "
                               "each site as a [[sites]] table with name = \"...\" and url = \"...\" (see README)")
        line = _line_of(lines, index)
        where = f"{path}:{line}"
        unknown = set(table) - ALLOWED_KEYS
        if unknown:
            key = sorted(unknown)[0]
            raise SourcesError(
                f"{path}:{_line_of(lines, index, key)}: unknown key {key!r} in [[sites]]; "
                f"allowed keys are {', '.join(sorted(ALLOWED_KEYS))}"
            )
        for key in ("name", "url"):
            if not table.get(key):
                raise SourcesError(f"{where}: [[sites]] entry has no {key!r}; every site needs a name and a url")
        name = table["name"]
        if not isinstance(name, str):
            raise SourcesError(f"{path}:{_line_of(lines, index, 'name')}: name must be a string")
        if name in seen:
            raise SourcesError(
                f"{path}:{_line_of(lines, index, 'name')}: site name {name!r} is used twice "
                f"(first at line {seen[name]}); names must be unique"
            )
        seen[name] = _line_of(lines, index, "name")
        url = _check_url(table["url"], f"{path}:{_line_of(lines, index, 'url')}")
        lists = {}
        for key in ("sitemaps", "feeds"):
            value = table.get(key, [])
            key_where = f"{path}:{_line_of(lines, index, key)}"
            if not isinstance(value, list):
                raise SourcesError(f"{key_where}: {key} must be a list of URLs, e.g. {key} = [\"https://…\"]")
            lists[key] = tuple(_check_url(v, key_where) for v in value)
        location = table.get("location")
        if location is not None and not isinstance(location, str):
            raise SourcesError(f"{path}:{_line_of(lines, index, 'location')}: location must be a string")
        sources.append(Source(name=name, url=url, location=location, **lists))
    return sources


def load_sources(path: str | Path | None = None, only: list[str] | tuple[str, ...] = ()) -> list[Source]:
    """Read a sources file; `only` keeps the named sites (an unknown name is an error)."""
    path = Path(path) if path else default_sources_path()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourcesError(f"{path}: cannot read the sources file ({exc.strerror}); pass --sources FILE") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise SourcesError(f"{path}:{line}: not UTF-8 (byte 0x{raw[exc.start]:02x}); TOML files are UTF-8, "
                           "save it as UTF-8") from None
    sources = parse_sources(text, str(path))
    if only:
        names = {s.name for s in sources}
        missing = [n for n in only if n not in names]
        if missing:
            raise SourcesError(f"{path}: no site named {', '.join(map(repr, missing))}; known: {', '.join(sorted(names))}")
        sources = [s for s in sources if s.name in only]
    return sources


def sources_toml(sources: list[Source]) -> str:
    """The TOML text of a list of sources (used by `clinicwatch demo` and the tests)."""
    def quote(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    blocks = []
    for s in sources:
        lines = ["[[sites]]", f"name = {quote(s.name)}", f"url = {quote(s.url)}"]
        if s.sitemaps:
            lines.append(f"sitemaps = [{', '.join(map(quote, s.sitemaps))}]")
        if s.feeds:
            lines.append(f"feeds = [{', '.join(map(quote, s.feeds))}]")
        if s.location:
            lines.append(f"location = {quote(s.location)}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
