"""The nightly digest: relevant posts a crawl run found new, changed or removed, with their summaries."""

from __future__ import annotations

import html
import re
from pathlib import Path

import sqlite_utils

OUTCOMES = ("new", "changed", "removed")


def run_digest(db: sqlite_utils.Database, run_id: int) -> dict:
    """{"run": crawl_runs row, "new" | "changed" | "removed": [post dicts]} for the relevant posts of the run."""
    digest = {"run": db["crawl_runs"].get(run_id)}
    for outcome in OUTCOMES:
        digest[outcome] = list(db.query(
            """SELECT p.id, s.name AS site, p.title, p.url, p.published_at, p.duplicate_of, v.summary
               FROM run_posts r JOIN posts p ON p.id = r.post_id JOIN sites s ON s.id = p.site_id
               LEFT JOIN posts_with_summaries v ON v.id = p.id
               WHERE r.run_id = ? AND r.outcome = ? AND p.is_relevant = 1
               ORDER BY s.name, p.published_at, p.id""", [run_id, outcome]))
    return digest


def markdown_text(text: str | None) -> str:
    """Scraped text made inert in Markdown: no HTML, no link or emphasis syntax, one line."""
    text = html.escape(" ".join((text or "").split()), quote=False)
    return re.sub(r"([\\`*_\[\]#|!])", r"\\\1", text)


def digest_markdown(digest: dict) -> str:
    run = digest["run"]
    lines = [f"# clinicwatch digest, crawl run {run['id']}", "",
             f"Started {run['started_at']}, finished {run['finished_at'] or '-'}, status **{run['status']}**: "
             f"{run['pages_fetched']} pages fetched, {run['pages_failed']} failed; posts new {run['posts_new']}, "
             f"changed {run['posts_changed']}, removed {run['posts_removed']} (all posts; below, the relevant ones).", ""]
    for outcome in OUTCOMES:
        posts = digest[outcome]
        lines += [f"## {outcome.capitalize()} relevant posts ({len(posts)})", ""]
        for post in posts:
            copy = f" (copy of post {post['duplicate_of']})" if post["duplicate_of"] else ""
            lines.append(f"- **{markdown_text(post['title'])}** — {markdown_text(post['site'])}, "
                         f"{post['published_at'] or 'undated'}{copy}  ")
            lines.append(f"  <{post['url']}>  ")
            if post["summary"] and outcome != "removed":
                lines.append(f"  {markdown_text(post['summary'])}")
        lines.append("")
    return "\n".join(lines)


def digest_text(digest: dict) -> str:
    """The short version for stdout (and so for cron's mail)."""
    lines = []
    for outcome in OUTCOMES:
        posts = digest[outcome]
        lines.append(f"{outcome} relevant posts: {len(posts)}")
        lines += [f"  - {' '.join((p['title'] or '').split())} ({p['site']}) {p['url']}" for p in posts[:20]]
        if len(posts) > 20:
            lines.append(f"  … and {len(posts) - 20} more")
    return "\n".join(lines)


def write_digest(digest: dict, reports_dir: str | Path) -> Path:
    run = digest["run"]
    path = Path(reports_dir) / f"{run['started_at'][:10]}-run{run['id']}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(digest_markdown(digest), encoding="utf-8")
    return path
