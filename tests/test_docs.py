"""The documentation keeps up with the code: every command, option and CLINICWATCH_* setting is
mentioned in README.md or docs/*.md, every command section of the README has an example to
paste, and every relative link of README.md and docs/ leads to a file (and heading) that exists.

The checkers are plain functions over text, so the tests at the end can show that each one
catches what it is for."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

import crawler.settings
from clinicwatch.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PRODUCT_PACKAGES = ["db", "pipeline", "summaries", "crawler", "clinicwatch"]
SETTING = re.compile(r"\bCLINICWATCH_[A-Z0-9_]*[A-Z0-9]\b")


# What the code offers.

def commands(group: click.Group = cli, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], click.Command]:
    """Every command and subcommand of the group, by its path (("sources", "check"),), recursively."""
    found = {}
    for name, command in group.commands.items():
        found[path + (name,)] = command
        if isinstance(command, click.Group):
            found.update(commands(command, path + (name,)))
    return found


def option_flags(command: click.Command) -> set[str]:
    """Each option's long flag (`--max-pages-per-site`); an option with only short flags gives those."""
    flags = set()
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            names = param.opts + param.secondary_opts
            long = [name for name in names if name.startswith("--")]
            flags.update(long or names)
    return flags


def all_option_flags() -> set[str]:
    flags = option_flags(cli)
    for command in commands().values():
        flags |= option_flags(command)
    return flags


def clinicwatch_settings() -> set[str]:
    """The CLINICWATCH_* names of crawler/settings.py and every CLINICWATCH_ string of the product code
    (environment variables such as CLINICWATCH_CACHE_DIR included)."""
    names = {name for name in dir(crawler.settings) if name.startswith("CLINICWATCH_")}
    for package in PRODUCT_PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix in {".py", ".json", ".html", ".toml"}:
                names |= set(SETTING.findall(path.read_text(encoding="utf-8", errors="replace")))
    return names


# What the documentation says.

def documentation() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in [README, *sorted(DOCS.glob("*.md"))]}


def mentions(text: str, term: str) -> bool:
    """`term` occurs in `text` as a whole word or flag (`--site` is not found inside `--sites`)."""
    return re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text) is not None


def missing_from_docs(text: str, command_paths, flags, settings) -> list[str]:
    """What the code offers that `text` never mentions: `clinicwatch <command>`, flags, settings."""
    missing = [f"command: clinicwatch {' '.join(path)}" for path in sorted(command_paths)
               if not mentions(text, "clinicwatch " + " ".join(path))]
    missing += [f"option: {flag}" for flag in sorted(flags) if not mentions(text, flag)]
    missing += [f"setting: {name}" for name in sorted(settings) if not mentions(text, name)]
    return missing


SECTION_HEADING = re.compile(r"^###\s+`clinicwatch ([^`]+)`\s*$", re.M)


def command_sections(readme: str) -> dict[str, str]:
    """The README's `### \\`clinicwatch <command>\\`` sections, by command, up to the next heading."""
    sections = {}
    for match in SECTION_HEADING.finditer(readme):
        rest = readme[match.end():]
        end = re.search(r"^#{1,3}\s", rest, re.M)
        sections[match.group(1).strip()] = rest[: end.start() if end else len(rest)]
    return sections


def sections_without_examples(readme: str) -> list[str]:
    """Command sections with no line starting `clinicwatch <command>` (an example to paste)."""
    return [command for command, body in command_sections(readme).items()
            if not re.search(rf"^\s*clinicwatch {re.escape(command)}(\s|$)", body, re.M)]


def commands_without_sections(readme: str, command_paths) -> list[str]:
    """Commands that do something (not groups) with no section of their own in the README."""
    sections = command_sections(readme)
    return [" ".join(path) for path in sorted(command_paths) if " ".join(path) not in sections]


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    without_code = re.sub(r"^```.*?^```", "", markdown, flags=re.M | re.S)
    return {github_anchor(match) for match in re.findall(r"^#{1,6}\s+(.+?)\s*$", without_code, re.M)}


def broken_links(source: Path, markdown: str) -> list[str]:
    """Relative links of a Markdown file whose target file, or heading, does not exist."""
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", markdown):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue  # https:, mailto:
        path_part, _, anchor = target.partition("#")
        path = (source.parent / path_part).resolve() if path_part else source
        if not path.exists():
            broken.append(f"{source.name}: {target} (no such file)")
        elif anchor and path.suffix == ".md" and anchor not in anchors(path.read_text(encoding="utf-8")):
            broken.append(f"{source.name}: {target} (no such heading)")
    return broken


# The checks.

LEAF_COMMANDS = [path for path, command in commands().items() if not isinstance(command, click.Group)]


def test_the_code_offers_what_the_checks_expect():
    # The checks below are only as good as what they enumerate.
    assert {("crawl",), ("sources",), ("sources", "check"), ("reextract",), ("demo",)} <= set(commands())
    assert {"--max-pages-per-site", "--allow-private-hosts", "--set", "--output", "--out-dir", "--bom",
            "--runtime", "--version"} <= all_option_flags()
    assert {"CLINICWATCH_DB", "CLINICWATCH_MAX_SITEMAP_DEPTH", "CLINICWATCH_CACHE_DIR",
            "CLINICWATCH_CONTACT"} <= clinicwatch_settings()


def test_every_command_option_and_setting_is_documented():
    text = "\n".join(documentation().values())
    assert missing_from_docs(text, commands(), all_option_flags(), clinicwatch_settings()) == []


def test_every_command_has_a_readme_section_with_an_example():
    readme = README.read_text(encoding="utf-8")
    assert commands_without_sections(readme, LEAF_COMMANDS) == []
    assert sections_without_examples(readme) == []


def test_readme_links_to_docs_lead_to_files():
    readme = README.read_text(encoding="utf-8")
    to_docs = [target for target in re.findall(r"\]\(([^)\s]+)\)", readme) if target.startswith("docs/")]
    assert to_docs, "the README links to docs/"
    assert broken_links(README, readme) == []


@pytest.mark.parametrize("path", sorted(DOCS.glob("*.md")), ids=lambda path: path.name)
def test_links_between_docs_lead_to_files(path):
    assert broken_links(path, path.read_text(encoding="utf-8")) == []


# The checkers catch what they are for.

def test_the_checker_reports_a_command_left_out():
    readme = README.read_text(encoding="utf-8")
    sections = command_sections(readme)
    without = readme.replace("### `clinicwatch stats`" + sections["stats"], "").replace("clinicwatch stats", "")
    assert "command: clinicwatch stats" in missing_from_docs(without, commands(), [], [])
    assert "stats" in commands_without_sections(without, LEAF_COMMANDS)
    assert missing_from_docs(readme, commands(), [], []) == []


def test_the_checker_reports_an_option_or_setting_left_out():
    text = "clinicwatch export --bom --sites CLINICWATCH_DB_PATH"
    missing = missing_from_docs(text, [], ["--bom", "--site"], ["CLINICWATCH_DB", "CLINICWATCH_CONTACT"])
    assert missing == ["option: --site", "setting: CLINICWATCH_CONTACT", "setting: CLINICWATCH_DB"]


def test_the_checker_reports_a_section_without_an_example():
    readme = "### `clinicwatch stats`\n\nCounts per site (see clinicwatch stats --json).\n\n### `clinicwatch demo`\n\n" \
             "```sh\nclinicwatch demo --db data/demo.db\n```\n"
    assert sections_without_examples(readme) == ["stats"]


def test_the_checker_reports_a_broken_link(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "database.md").write_text("# The database\n\n## Views\n", encoding="utf-8")
    readme = tmp_path / "README.md"
    text = "[ok](docs/database.md) [ok](docs/database.md#views) [gone](docs/nothing.md) [bad](docs/database.md#tables)"
    readme.write_text(text, encoding="utf-8")
    assert broken_links(readme, text) == ["README.md: docs/nothing.md (no such file)",
                                          "README.md: docs/database.md#tables (no such heading)"]
