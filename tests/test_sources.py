import re

import pytest

from crawler.sources import (
    Source,
    SourcesError,
    load_sources,
    parse_sources,
    sources_toml,
)

GOOD = """
[[sites]]
name = "Harbor Clinic"
url = "https://harbor.example/blog/"
location = "Portland, ME"

[[sites]]
name = "Desert Clinic"
url = "https://desert.example/news/"
sitemaps = ["https://desert.example/sitemap.xml"]
feeds = ["https://desert.example/feed/"]
"""


def test_parses_every_site_with_optional_fields():
    sources = parse_sources(GOOD, "s.toml")
    assert [s.name for s in sources] == ["Harbor Clinic", "Desert Clinic"]
    assert sources[0].location == "Portland, ME" and sources[0].sitemaps == ()
    assert sources[1].feeds == ("https://desert.example/feed/",)


@pytest.mark.parametrize("text, line, words", [
    ('[[sites]]\nname = "A"\nurl = "https://a.example/"\nsitemap = []\n', 4, "unknown key 'sitemap'"),
    ('[[sites]]\nname = "A"\nurl = "https://a.example/"\n\n[[sites]]\nname = "A"\nurl = "https://b.example/"\n', 6,
     "used twice"),
    ('[[sites]]\nname = "A"\nurl = "ftp://a.example/"\n', 3, "not an http(s) URL"),
    ('[[sites]]\nname = "A"\n', 1, "no 'url'"),
    ('[[sites]]\nname = "A"\nurl = "https://a.example/"\nfeeds = "https://a.example/feed"\n', 4, "must be a list"),
    ('[[sites]\nname = "A"\n', 1, "not valid TOML"),
])
def test_typos_name_the_file_and_line(text, line, words):
    with pytest.raises(SourcesError) as error:
        parse_sources(text, "my-sources.toml")
    assert f"my-sources.toml:{line}" in str(error.value)
    assert words in str(error.value)


def test_only_keeps_named_sites_and_rejects_unknown_names(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(GOOD)
    assert [s.name for s in load_sources(path, ["Desert Clinic"])] == ["Desert Clinic"]
    with pytest.raises(SourcesError, match="no site named 'Nowhere'"):
        load_sources(path, ["Nowhere"])


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(SourcesError, match="cannot read the sources file"):
        load_sources(tmp_path / "absent.toml")


def test_round_trips_through_toml_text():
    sources = [Source("A \"quoted\" clinic", "https://a.example/blog/", ("https://a.example/s.xml",), (), "Here")]
    assert parse_sources(sources_toml(sources)) == sources


def test_bundled_sources_file_is_valid():
    sources = load_sources(None)
    assert sources and all(s.url.startswith("https://") for s in sources)


# Hostile sources files (issue 12, item 8): exit 2 with the file, the line and what to change, never a
# traceback; a URL with credentials is refused before its secret reaches `sites` or `fetches`.
HOSTILE_SOURCES = {
    "not a table": (b'sites = [1]\n', 1, "not a table"),
    "a list for a table": (b'# my clinics\nsites = [["name", "url"]]\n', 2, "not a table"),
    "nested 5000 deep": (b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n", 1, "nested too deeply"),
    "not UTF-8": (b'[[sites]]\nname = "Caf\xe9 Clinic"\nurl = "https://c.example/blog/"\n', 2, "not UTF-8"),
    "broken IPv6 URL": (b'[[sites]]\nname = "A"\nurl = "http://[::1/"\n', 3, "is not a valid URL"),
    "port out of range": (b'[[sites]]\nname = "A"\nurl = "http://c.example:99999/blog/"\n', 3, "is not a valid URL"),
    "credentials": (b'[[sites]]\nname = "A"\nurl = "http://user:secret@c.example/blog/"\n', 3, "user name or password"),
    "credentials in a sitemap": (b'[[sites]]\nname = "A"\nurl = "https://c.example/blog/"\n'
                                 b'sitemaps = ["https://admin@c.example/sitemap.xml"]\n', 4, "user name or password"),
}


@pytest.mark.parametrize("name", HOSTILE_SOURCES)
def test_a_hostile_sources_file_is_a_clear_error(name, tmp_path):
    body, line, words = HOSTILE_SOURCES[name]
    path = tmp_path / "sources.toml"
    path.write_bytes(body)
    with pytest.raises(SourcesError, match=rf"^{re.escape(str(path))}:{line}: .*{words}") as error:
        load_sources(path)
    assert "secret" not in str(error.value)


@pytest.mark.parametrize("name", ["nested 5000 deep", "credentials", "not UTF-8"])
def test_a_hostile_sources_file_exits_2_without_a_traceback(name, tmp_path):
    from tests.conftest import clinicwatch

    body, line, words = HOSTILE_SOURCES[name]
    path = tmp_path / "sources.toml"
    path.write_bytes(body)
    result = clinicwatch("crawl", "--sources", path, "--db", tmp_path / "db.sqlite", check=False)
    assert result.returncode == 2 and f"{path}:{line}:" in result.stderr and words in result.stderr
    assert "Traceback" not in result.stderr and "secret" not in result.stderr
    assert not (tmp_path / "db.sqlite").exists()
