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
