"""Plain-text reports for the terminal: a crawl run, the stats, the demo's check against its labels."""

from __future__ import annotations

import sqlite_utils

from db.queries import run_fetch_errors, site_stats
from pipeline.urls import normalize_url


def run_line(run: dict) -> str:
    return (f"crawl run {run['id']}: {run['status']}; pages fetched {run['pages_fetched']}, "
            f"failed {run['pages_failed']}; posts new {run['posts_new']}, changed {run['posts_changed']}, "
            f"unchanged {run['posts_unchanged']}, removed {run['posts_removed']}")


def table(rows: list[dict], columns: list[str]) -> str:
    if not rows:
        return "  (none)"
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    lines = ["  " + "  ".join(c.ljust(widths[c]) for c in columns)]
    lines += ["  " + "  ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(lines)


def stats_text(per_site: list[dict], runs: list[dict], failing: list[dict] = ()) -> str:
    run_rows = [{**r, "finished_at": r["finished_at"] or "-"} for r in runs]
    failing_rows = [{**f, "site": shorten(f["site"], 28), "skip_until": f["skip_until"][:10],
                     "reason": shorten(f["reason"], 70)} for f in failing]
    return "\n".join([
        "Sites:", table(per_site, ["site", "posts", "relevant", "duplicates", "removed", "summarized",
                                   "fetch_errors_last_run", "failing_urls"]),
        "", "Last runs:", table(run_rows, ["id", "started_at", "finished_at", "status", "pages_fetched",
                                           "pages_failed", "posts_new", "posts_changed", "posts_unchanged",
                                           "posts_removed"]),
        "", "Skipped after lasting failures (asked for again after skip_until):",
        table(failing_rows, ["site", "url", "failures", "skip_until", "reason"]),
    ])


def shorten(text: str | None, width: int) -> str:
    text = text or ""
    return text if len(text) <= width else text[: width - 1] + "…"


def demo_report(db: sqlite_utils.Database, expected: list[dict], run_id: int) -> str:
    """Every stored post beside its label, and the checks the demo promises."""
    posts = list(db.query(
        """SELECT p.id, s.name AS site, p.url, p.title, p.is_relevant, p.duplicate_of,
                  (SELECT COUNT(*) FROM summaries sm WHERE sm.post_id = p.id AND sm.content_hash = p.content_hash)
                    AS summaries
           FROM posts p JOIN sites s ON s.id = p.site_id ORDER BY s.name, p.published_at, p.id"""))
    labels = {normalize_url(e["url"]): e for e in expected}
    by_url = {normalize_url(p["url"]): p for p in posts}
    rows, agree = [], 0
    for post in posts:
        label = labels.get(normalize_url(post["url"]))
        expected_flag = None if label is None else int(bool(label["relevant"]))
        agree += expected_flag == post["is_relevant"]
        rows.append({
            "id": post["id"], "site": shorten(post["site"], 28), "title": shorten(post["title"], 58),
            "relevant": "yes" if post["is_relevant"] else "no",
            "label": "not a post!" if label is None else ("ok" if expected_flag == post["is_relevant"] else "WRONG"),
            "copy of": post["duplicate_of"] or "", "summary": "yes" if post["summaries"] else "",
        })
    found = sum(normalize_url(e["url"]) in by_url for e in expected)
    groups: dict[str, list[dict]] = {}
    for e in expected:
        if e.get("duplicate_group"):
            groups.setdefault(e["duplicate_group"], []).append(by_url.get(normalize_url(e["url"])))
    linked = sum(
        all(p is not None for p in members) and len({p["duplicate_of"] or p["id"] for p in members}) == 1
        for members in groups.values())
    wanted = [p for p in posts if p["is_relevant"] and p["duplicate_of"] is None]
    summarized = sum(1 for p in wanted if p["summaries"])
    errors = run_fetch_errors(db, run_id)
    per_site = site_stats(db)
    lines = [
        "", "Posts per site:", table(per_site, ["site", "posts", "relevant", "duplicates", "summarized"]),
        "", "Posts:", table(rows, ["id", "site", "title", "relevant", "label", "copy of", "summary"]),
        "", "Checks against the demo's labels:",
        f"  posts stored:           {found}/{len(expected)} labelled posts, {len(posts) - found} other page(s)",
        f"  relevance as labelled:  {agree}/{len(posts)}",
        f"  duplicate groups:       {linked}/{len(groups)} linked through duplicate_of",
        f"  summaries:              {summarized}/{len(wanted)} relevant posts that are not copies",
        f"  fetch errors:           {len(errors)}",
    ]
    lines += [f"    {e['status'] or '-'} {e['url']} {e['error'] or ''}" for e in errors[:20]]
    return "\n".join(lines)


def sources_check_text(rows: list[dict]) -> str:
    def offer(url, count, noun):
        return f"{url} ({count} {noun})" if url else "none found"

    lines = []
    for row in rows:
        answered = row["error"] or (f"HTTP {row['listing']}" if row["listing"] else "no answer")
        lines += [f"{row['site']}  {row['url']}",
                  f"  listing:  {answered}, {row['post_links']} candidate post link(s)",
                  f"  sitemap:  {offer(row['sitemap'], row['sitemap_entries'], 'entries')}",
                  f"  feed:     {offer(row['feed'], row['feed_items'], 'items')}",
                  f"  robots:   HTTP {row['robots'] or '-'}"
                  + (f", Crawl-delay {row['crawl_delay']}" if row["crawl_delay"] else "")]
    return "\n".join(lines)
