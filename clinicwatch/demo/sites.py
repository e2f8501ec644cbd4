"""The three bundled demo clinics, their content (posts/*.md, pages/*.md) and the ground truth about them.

All clinics, people, addresses and phone numbers are invented; 555-01xx numbers are reserved
for fiction.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from clinicwatch.demo.handwritten import HandwrittenStyle
from clinicwatch.demo.markup import body_text
from clinicwatch.demo.model import Chrome, DemoSite, InfoPage, Post
from clinicwatch.demo.squarespace import SquarespaceStyle
from clinicwatch.demo.wordpress import WordPressStyle

HERE = Path(__file__).parent
POSTS_DIR = HERE / "posts"
PAGES_DIR = HERE / "pages"

POST_FIELDS = {"title", "slug", "site", "date", "author", "relevant", "category", "tags", "duplicate_group"}
REQUIRED_POST_FIELDS = {"title", "slug", "site", "date", "author", "relevant"}
PAGE_FIELDS = {"title", "slug", "site"}
NON_POST_KINDS = ("home", "page", "listing", "archive")

FOOTER_CTA = "Book your free consultation today"

HARBORVIEW_CHROME = Chrome(
    tagline="Compassionate ketamine care on the Maine coast",
    cookie_notice="We use cookies to give you the best experience on our website. If you continue to use this "
                  "site we will assume that you are happy with it.",
    newsletter_pitch="Get Harbor Notes, our monthly letter on mental health and recovery, delivered to your inbox.",
    footer_cta=FOOTER_CTA,
    comments=(
        ("Renee M.", "This is the clearest explanation I have read anywhere. Sharing it with my support group tonight."),
        ("Tom B.", "My wife finished her sixth session in January and she is laughing again. Thank you to the whole "
                   "Harborview team."),
        ("Alicia", "Do you offer evening appointments? I work until five most days and would love to come in."),
        ("Greg from Falmouth", "I was nervous before my first visit but the nurses made it feel like sitting in a "
                               "friend's living room."),
    ),
    author_bios={
        "Dr. Miriam Okafor": "Dr. Miriam Okafor is the founder and medical director of Harborview, board-certified in "
                             "anesthesiology with fifteen years of experience in interventional psychiatry.",
        "Caleb Thornton, PMHNP": "Caleb Thornton is a psychiatric nurse practitioner who leads our Spravato program "
                                 "and spends his days off sailing Casco Bay.",
        "Harborview Team": "The Harborview team shares clinic updates, patient resources and news from our office "
                           "on the waterfront.",
    },
)

NORTHPOINT_CHROME = Chrome(
    tagline="Caring for the Northland's mental health since 2016",
    cookie_notice="We use cookies to understand how visitors use this website. Click Accept to continue.",
    newsletter_pitch="Sign up for the Northpoint quarterly mailing with clinic news, events and wellness tips.",
    footer_cta=FOOTER_CTA,
    comments=(
        ("Jenna R.", "I drove down from Two Harbors for treatment last fall and this describes my experience exactly."),
        ("Mark S.", "Very helpful article. Is there a waiting list for new patients right now?"),
        ("Deb", "Thank you Dr. Marsh for taking the time to write these. My son printed this one for his therapist."),
        ("L. Hanson", "Wish I had found you folks five years ago. Keep up the good work up there."),
    ),
    author_bios={
        "Dr. Elena Marsh": "Dr. Elena Marsh is a psychiatrist and co-founder of Northpoint Mind Wellness. She grew up "
                           "on the Iron Range and has practiced in Duluth for over twenty years.",
        "Dr. Samuel Lindqvist": "Dr. Samuel Lindqvist directs the TMS and Spravato services at Northpoint and teaches "
                                "psychiatry residents at the regional medical school.",
    },
)

DESERT_BLOOM_CHROME = Chrome(
    tagline="Where healing takes root in the Sonoran desert",
    cookie_notice="We use cookies to analyze website traffic and optimize your website experience. By accepting, "
                  "your data will be aggregated with all other user data.",
    newsletter_pitch="Join our community for gentle reminders, event invitations and new articles from our clinicians.",
    footer_cta=FOOTER_CTA,
    comments=(
        ("Marisol G.", "Beautifully written. I shared this with my mom who has been on the fence about trying it."),
        ("Kevin T.", "The staff here are amazing. Cannot recommend Desert Bloom enough after my own series last spring."),
        ("Priya", "Are you able to coordinate with an outside therapist, or do I need to use one of yours?"),
        ("Sam R.", "Bookmarking this one. Reading it on a hard morning helped more than I expected."),
    ),
    author_bios={
        "Dr. Rafael Quintero": "Dr. Rafael Quintero is an emergency physician who founded Desert Bloom after a decade "
                               "of night shifts in Tucson hospitals.",
        "Dr. Anjali Mehta": "Dr. Anjali Mehta is a licensed clinical psychologist who leads our integration therapy "
                            "program and teaches mindfulness classes on Saturday mornings.",
        "Desert Bloom Team": "News and updates from the front desk, nurses and clinicians of Desert Bloom Infusion Center.",
    },
)

# Headings and labels of the styles' chrome that are as telling as the per-site texts.
STYLE_PHRASES = ["Request an appointment", "Leave a Reply", "Reader comments", "Share this post:",
                 "Site by Lakehead Web Design", "Stay in the loop", "Powered by Squarespace"]

CHROME_PHRASES: list[str] = list(dict.fromkeys(
    [phrase for chrome in (HARBORVIEW_CHROME, NORTHPOINT_CHROME, DESERT_BLOOM_CHROME) for phrase in chrome.phrases()]
    + STYLE_PHRASES))


def parse_front_matter(text: str, source: str = "<text>") -> tuple[dict[str, str], str]:
    """Flat `key: value` front matter between two `---` lines, and the body after it.

    PyYAML is not a dependency of clinicwatch, and flat string fields are all the files use.
    """
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---" or "---" not in lines[1:]:
        raise ValueError(f"{source}: must start with front matter between two '---' lines")
    end = lines.index("---", 1)
    fields = {}
    for number, line in enumerate(lines[1:end], start=2):
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        if not colon:
            raise ValueError(f"{source}:{number}: expected 'key: value', got {line!r}")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        fields[key.strip()] = value
    return fields, "\n".join(lines[end + 1:]).strip() + "\n"


def post_from_text(text: str, source: str = "<text>") -> tuple[str, Post]:
    """(site key, Post) from a post file's text."""
    fields, body = parse_front_matter(text, source)
    unknown = set(fields) - POST_FIELDS
    missing = REQUIRED_POST_FIELDS - set(fields)
    if unknown or missing:
        raise ValueError(f"{source}: unknown fields {sorted(unknown)}, missing fields {sorted(missing)}")
    if fields["relevant"] not in ("true", "false"):
        raise ValueError(f"{source}: relevant must be true or false")
    post = Post(
        slug=fields["slug"], title=fields["title"], date=date.fromisoformat(fields["date"]), author=fields["author"],
        body=body, relevant=fields["relevant"] == "true", category=fields.get("category", "News"),
        tags=tuple(t.strip() for t in fields.get("tags", "").split(",") if t.strip()),
        duplicate_group=fields.get("duplicate_group") or None)
    return fields["site"], post


def load_posts(folder: Path = POSTS_DIR) -> dict[str, dict[str, Post]]:
    """site key -> slug -> Post, from every *.md file in folder."""
    by_site: dict[str, dict[str, Post]] = {}
    for path in sorted(folder.glob("*.md")):
        site_key, post = post_from_text(path.read_text(encoding="utf-8"), str(path))
        by_site.setdefault(site_key, {})[post.slug] = post
    return by_site


def load_info_pages(folder: Path = PAGES_DIR) -> dict[str, dict[str, InfoPage]]:
    """site key -> slug -> InfoPage (home, about, services, contact)."""
    by_site: dict[str, dict[str, InfoPage]] = {}
    for path in sorted(folder.glob("*.md")):
        fields, body = parse_front_matter(path.read_text(encoding="utf-8"), str(path))
        if set(fields) != PAGE_FIELDS:
            raise ValueError(f"{path}: page front matter needs exactly {sorted(PAGE_FIELDS)}")
        by_site.setdefault(fields["site"], {})[fields["slug"]] = InfoPage(fields["slug"], fields["title"], body)
    return by_site


def demo_sites() -> list[DemoSite]:
    """Fresh copies of the three demo clinics (each call: its own mutable content and request log)."""
    posts, pages = load_posts(), load_info_pages()
    return [
        DemoSite(key="harborview", name="Harborview Ketamine Clinic", location="Portland, ME",
                 street="118 Commercial Street, Suite 4", phone="(555) 010-2299", utc_offset_hours=-5,
                 style=WordPressStyle(), chrome=HARBORVIEW_CHROME, posts=posts["harborview"],
                 info_pages=pages["harborview"]),
        DemoSite(key="northpoint", name="Northpoint Mind Wellness", location="Duluth, MN",
                 street="2207 London Road", phone="(555) 014-7730", utc_offset_hours=-6,
                 style=HandwrittenStyle(), chrome=NORTHPOINT_CHROME, posts=posts["northpoint"],
                 info_pages=pages["northpoint"]),
        DemoSite(key="desert-bloom", name="Desert Bloom Infusion Center", location="Tucson, AZ",
                 street="4450 East Sunrise Drive, Suite 120", phone="(555) 019-4410", utc_offset_hours=-7,
                 style=SquarespaceStyle(), chrome=DESERT_BLOOM_CHROME, posts=posts["desert-bloom"],
                 info_pages=pages["desert-bloom"]),
    ]


def expected_posts(sites: list[DemoSite], base_urls: dict[str, str]) -> list[dict]:
    """Ground truth, one dict per post per site, newest first within a site."""
    return [{
        "site": site.name,
        "url": site.post_url(post, base_urls[site.name]),
        "title": post.title,
        "author": post.author,
        "published_at": post.date.isoformat(),
        "relevant": post.relevant,
        "duplicate_group": post.duplicate_group,
        "text": body_text(post.body),
    } for site in sites for post in site.posts_newest_first()]


def urls_of_kind(sites: list[DemoSite], base_urls: dict[str, str], kinds: tuple[str, ...]) -> list[str]:
    urls = []
    for site in sites:
        base = base_urls[site.name].rstrip("/")
        urls += [base + key for key, page in site.routes(base).items() if page.kind in kinds]
    return urls


def non_post_urls(sites: list[DemoSite], base_urls: dict[str, str]) -> list[str]:
    """HTML pages a crawler may fetch that are not posts: home, about, contact, services, listing pages
    and their pagination, tag, category and author archives."""
    return urls_of_kind(sites, base_urls, NON_POST_KINDS)


def private_urls(sites: list[DemoSite], base_urls: dict[str, str]) -> list[str]:
    """Pages robots.txt forbids (linked from the sites all the same)."""
    return urls_of_kind(sites, base_urls, ("private",))
