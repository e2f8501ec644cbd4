import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest

from db import open_db
from db.queries import dedup_signatures
from db.store import PostRecord, save_post, set_duplicates, upsert_site
from pipeline.dedup import (
    DUPLICATE_THRESHOLD,
    NUM_PERM,
    content_hash,
    duplicate_heads,
    minhash_signature,
    near_duplicates,
    normalize_text,
)

# Two posts on the same subject (ketamine and BDNF) written independently: same topic, different words.
BDNF_POST = """\
Patients often ask us why ketamine can lift a depression in a matter of hours when a conventional antidepressant may take six to eight weeks to show any effect at all. At {clinic} in {city}, our answer starts with a protein called BDNF, brain-derived neurotrophic factor, and with the way it helps nerve cells build fresh connections.

Chronic stress and long-lasting depression are associated with a loss of synapses in the prefrontal cortex, the region that helps us plan, regulate emotion and shift perspective. Imaging studies in animals show thinner dendrites and fewer spines after weeks of unpredictable stress. Many researchers now describe depression partly as a disorder of disconnection.

Ketamine blocks NMDA receptors on inhibitory interneurons. The result is a brief surge of glutamate, which activates AMPA receptors and triggers the release of BDNF. BDNF in turn switches on the mTOR pathway, and within twenty-four hours laboratory animals show new dendritic spines in exactly the regions that stress had pruned back.

Our team at {clinic} explains this to every new patient because it changes how people think about their treatment. An infusion is not simply a mood boost that wears off. It opens a window of several days during which the brain is unusually able to reorganise itself, and what a person does during that window matters.

That is why the therapists at {clinic} pair infusions with talk therapy and with practical goals. Learning a new coping skill, reconnecting with friends or returning to exercise during the days after a session may help the new connections stabilise rather than fade.

The science is still young. Most of the spine data come from rodents, and human studies rely on indirect markers such as blood BDNF levels or changes in functional connectivity. Not every patient responds, and the benefit of a single infusion usually fades within one or two weeks without a follow-up plan.

If you live in or near {city} and want to know whether ketamine treatment could help you, call {clinic} for a free consultation with one of our clinicians. We will review your history, your current medications and your goals, and answer every question you have before you decide anything.
"""

GROWTH_FACTOR_POST = """\
Why does a single dose of ketamine sometimes work where years of medication did not? Scientists who study mood disorders increasingly point to growth factors, and one of them, BDNF, has become the centre of the story.

Think of the brain as a city whose roads are constantly being repaired. In people living with severe depression, some of those roads fall into disrepair: the tiny branches that neurons use to talk to one another shrink, and signals travel less easily between areas that handle memory, motivation and self-control.

When ketamine reaches the brain it interrupts a specific receptor, the NMDA receptor, on a class of calming neurons. Releasing that brake produces a short burst of excitatory signalling. Cells respond by producing more brain-derived neurotrophic factor, which acts something like fertiliser for the branches that had withered.

Research groups at several universities have watched this happen under the microscope. Mice given a low dose grew measurable numbers of new branch tips within a day, and blocking BDNF prevented both the growth and the improvement in behaviour. These findings are why the physicians at {clinic} describe ketamine as a treatment that works at the level of structure rather than only chemistry.

Humans are harder to study. We cannot count branch tips in a living person, so researchers use proxies: EEG patterns, brain scans that measure how strongly regions communicate, and levels of growth factors in the blood. The results so far are encouraging but mixed, and scientists caution against overselling them.

What does this mean for someone in {city} considering treatment? First, the effect is real but temporary unless it is supported. Second, the days after a dose may be a valuable time for psychotherapy, sleep, movement and social contact. Third, ketamine is a medical treatment with real risks, including raised blood pressure and dissociation, and it must be given with proper monitoring.

The nurses and physicians of {clinic} are happy to talk through the evidence with you. Book a call with our {city} office and bring your questions; we would rather you decide with full information than with hope alone.
"""

CLINICS = [
    ("Harbor Light Ketamine Clinic", "Portland"),
    ("Blue Ridge Infusion Center", "Asheville"),
    ("Northstar Wellness", "Minneapolis"),
    ("Desert Bloom Ketamine & Wellness", "Scottsdale, Arizona"),
    ("Evergreen Mind Institute", "Tacoma"),
    ("Lakeside Psychiatry", "Madison"),
]

OPENINGS = [
    "One question comes up at almost every first visit, and it deserves a careful answer.",
    "Few things surprise our new patients more than how fast ketamine can work.",
    "Our intake coordinators hear the same puzzled question several times a week.",
    "Speed is the first thing people notice about ketamine, and the first thing they ask about.",
    "If you have tried three or four medications already, this question is probably on your mind too.",
]

INTROS = [
    "Editor's note: this article first appeared last spring. We have updated it with newer research "
    "and are sharing it again because so many readers asked about it after our community talk in October.",
    "Welcome back to our blog. This month we are revisiting one of our most read posts, lightly edited, "
    "with a short list of references at the end for readers who want to go deeper.",
]


def clinic_post(template: str = BDNF_POST, clinic: tuple[str, str] = CLINICS[0]) -> str:
    name, city = clinic
    return template.format(clinic=name, city=city)


def syndicated(template: str, clinic: tuple[str, str], opening: str) -> str:
    """The post as another clinic republishes it: its own name and city, and a first sentence of its own."""
    text = clinic_post(template, clinic)
    return opening + text[text.index(". ") + 1:]


def republished(text: str, intro: str) -> str:
    return f"{intro}\n\n{text}"


def reformatted(text: str) -> str:
    """The same words with other whitespace, case and typography, as another HTML template renders them."""
    return "  " + text.upper().replace(" ", "  \u00a0").replace("'", "\u2019").replace("\n", "\r\n") + "\n\n"


def as_row(post_id: int, text: str, published_at: str | None = None,
           first_seen_at: str = "2024-06-01T00:00:00Z", with_minhash: bool = True) -> dict:
    return {
        "id": post_id,
        "content_hash": content_hash(text),
        "minhash": minhash_signature(text) if with_minhash else None,
        "published_at": published_at,
        "first_seen_at": first_seen_at,
    }


def test_normalize_text_unifies_case_quotes_dashes_and_whitespace():
    assert normalize_text("  Ketamine\u2019s  \u201cfast\u201d\n\teffect \u2014 BDNF\u00a0 ") == "ketamine's \"fast\" effect - bdnf"


def test_exact_copy_with_other_whitespace_and_case_has_the_same_hash():
    original = clinic_post()
    assert reformatted(original) != original
    assert content_hash(reformatted(original)) == content_hash(original)
    assert content_hash(original.replace("six to eight", "four to six")) != content_hash(original)


def test_signature_is_compact_and_the_same_in_another_process():
    text = clinic_post()
    signature = minhash_signature(text)
    assert isinstance(signature, bytes) and len(signature) == 4 * NUM_PERM
    assert len(minhash_signature(text, num_perm=64)) == 4 * 64
    # Another interpreter with another str-hash seed must produce the same bytes.
    code = ("import sys; from pipeline.dedup import minhash_signature; "
            "sys.stdout.write(minhash_signature(sys.stdin.read()).hex())")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True, text=True,
                           env=env, check=True, cwd=os.path.dirname(os.path.dirname(__file__)))
    assert other.stdout == signature.hex()


def test_signature_is_what_a_freshly_seeded_minhash_gives():
    # minhash_signature reuses one draw of the permutations per process and does datasketch's
    # update_batch itself, in numpy; every signature, the first and the later ones alike, must be
    # what a MinHash seeded anew for it gives (the stored signatures are part of the database contract).
    from datasketch import MinHash

    from pipeline.dedup import MINHASH_SCHEME, MINHASH_SEED, word_shingles
    from pipeline.publisher_sections import own_text

    for text in [clinic_post(), BDNF_POST, "ketamine", clinic_post(), "", syndicated(BDNF_POST, CLINICS[3], OPENINGS[0])]:
        fresh = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME)
        fresh.update_batch(shingle.encode("utf-8") for shingle in word_shingles(own_text(text)))
        assert minhash_signature(text) == fresh.hashvalues.astype("<u4").tobytes()


def test_syndicated_copy_with_swapped_clinic_and_new_first_sentence_joins_the_original():
    original = clinic_post(BDNF_POST, CLINICS[0])
    copy = syndicated(BDNF_POST, CLINICS[3], OPENINGS[0])
    assert copy.count(CLINICS[3][0]) + copy.count(CLINICS[3][1]) >= 5
    assert CLINICS[0][0] not in copy and not copy.startswith(original[:40])
    heads = duplicate_heads([as_row(1, original, "2023-03-01"), as_row(2, copy, "2023-05-10")])
    assert heads == {1: None, 2: 1}


def test_republished_with_a_new_intro_joins_the_original():
    original = clinic_post(GROWTH_FACTOR_POST, CLINICS[1])
    heads = duplicate_heads([as_row(7, republished(original, INTROS[0]), "2024-02-01"),
                             as_row(8, original, "2022-11-20")])
    assert heads == {7: 8, 8: None}


def test_different_posts_on_the_same_topic_are_not_linked():
    first, second = clinic_post(BDNF_POST), clinic_post(GROWTH_FACTOR_POST)
    assert all("ketamine" in t and "BDNF" in t for t in (first, second))
    assert near_duplicates(first, second) < 0.2
    heads = duplicate_heads([as_row(1, first, "2023-01-01"), as_row(2, second, "2023-01-02")])
    assert heads == {1: None, 2: None}


@pytest.mark.parametrize(
    "rows, expected_head",
    [
        # Earliest publication wins even over a post seen earlier; undated posts come last.
        ([(1, None, "2024-01-01"), (2, "2023-06-01", "2024-03-01"), (3, "2023-02-01", "2024-05-01")], 3),
        # Same publication date: the one seen first.
        ([(1, "2023-06-01", "2024-03-01"), (2, "2023-06-01", "2024-02-01"), (3, None, "2024-01-01")], 2),
        # Same date, seen at the same time: the lowest id.
        ([(9, "2023-06-01", "2024-02-01"), (4, "2023-06-01", "2024-02-01"), (6, None, "2024-01-01")], 4),
        # No dates at all: the one seen first.
        ([(1, None, "2024-02-01"), (2, None, "2024-01-01")], 2),
    ],
)
def test_head_is_the_earliest_post(rows, expected_head):
    variants = [clinic_post(BDNF_POST, CLINICS[0]), syndicated(BDNF_POST, CLINICS[1], OPENINGS[1]),
                republished(clinic_post(BDNF_POST, CLINICS[2]), INTROS[1])]
    heads = duplicate_heads(as_row(post_id, text, published, seen)
                            for (post_id, published, seen), text in zip(rows, variants))
    assert heads == {post_id: (None if post_id == expected_head else expected_head) for post_id, _, _ in rows}


def test_chains_of_near_copies_form_one_cluster():
    # B is a long post; A repeats its beginning, C its end: A~B and B~C, but A and C are not alike.
    paragraphs = (clinic_post(BDNF_POST).strip().split("\n\n") + clinic_post(GROWTH_FACTOR_POST).strip().split("\n\n"))
    b = "\n\n".join(paragraphs[:12])
    a, c = "\n\n".join(paragraphs[:9]), "\n\n".join(paragraphs[3:12])
    assert near_duplicates(a, b) >= DUPLICATE_THRESHOLD and near_duplicates(b, c) >= DUPLICATE_THRESHOLD
    assert near_duplicates(a, c) < DUPLICATE_THRESHOLD
    # A and C arrive first and start two clusters that B then has to merge.
    heads = duplicate_heads([as_row(3, c, "2023-03-01"), as_row(1, a, "2023-01-01"), as_row(2, b, "2023-02-01")])
    assert heads == {1: None, 2: 1, 3: 1}


def test_generated_variations_cluster_by_origin():
    rows, origin_of = [], {}
    for origin, template in enumerate([BDNF_POST, GROWTH_FACTOR_POST]):
        original = clinic_post(template, CLINICS[0])
        variants = [original, reformatted(original)]
        variants += [syndicated(template, clinic, opening) for clinic, opening in zip(CLINICS[1:], OPENINGS)]
        variants += [republished(clinic_post(template, CLINICS[i + 2]), intro) for i, intro in enumerate(INTROS)]
        for day, text in enumerate(variants, start=1):
            post_id = 100 * (origin + 1) + day
            rows.append(as_row(post_id, text, f"2023-0{origin + 1}-{day:02d}"))
            origin_of[post_id] = origin
    heads = duplicate_heads(rows)
    assert heads == {post_id: (None if post_id % 100 == 1 else post_id - post_id % 100 + 1) for post_id in origin_of}


def test_many_copies_of_one_text_form_one_cluster():
    # More copies than one LSH bucket compares all-pairs: republished under fifty URLs with a footer each.
    text = clinic_post()
    rows = [as_row(i, f"{text}\n\nContact Details\n\nCall us at extension {i}.", f"2023-01-{1 + i % 28:02d}",
                   first_seen_at=f"2024-01-01T00:00:{i:02d}Z") for i in range(50)]
    assert len({row["content_hash"] for row in rows}) == 50
    heads = duplicate_heads(rows)
    assert heads[0] is None
    assert all(heads[i] == 0 for i in range(1, 50))


def test_missing_signature_still_matches_by_hash():
    text = clinic_post()
    heads = duplicate_heads([as_row(1, text, "2023-01-01", with_minhash=False),
                             as_row(2, reformatted(text), "2023-02-01", with_minhash=False)])
    assert heads == {1: None, 2: 1}


def test_empty_and_very_short_texts_match_nothing():
    assert near_duplicates("", clinic_post()) == 0.0
    assert near_duplicates("", "") == 0.0
    rows = [as_row(1, clinic_post(BDNF_POST)), as_row(2, clinic_post(GROWTH_FACTOR_POST)),
            as_row(3, ""), as_row(4, "   \n "), as_row(5, "Ketamine and BDNF."), as_row(6, "Read more")]
    assert duplicate_heads(rows) == {post_id: None for post_id in range(1, 7)}


def test_signature_of_the_wrong_size_is_refused():
    row = as_row(1, clinic_post())
    row["minhash"] = minhash_signature(clinic_post(), num_perm=64)
    with pytest.raises(ValueError, match="expected 128"):
        duplicate_heads([row])


def test_publisher_sections_neither_join_different_releases_nor_split_one_release():
    about = ("About Acme Neuro Inc.\n\nAcme Neuro develops treatments for depression and runs eleven clinics in "
             "Ohio and Michigan. " * 3)
    wire = "\n\nAbout the Meridian Wire\n\n" + "The Meridian Wire distributes healthcare news to outlets. " * 12
    first, second = clinic_post(BDNF_POST), clinic_post(GROWTH_FACTOR_POST)
    # Two different posts under one company's long About section stay apart...
    assert near_duplicates(f"{first}\n\n{about}", f"{second}\n\n{about}") < 0.2
    # ...and one post under two publishers' sections is one post.
    assert near_duplicates(f"{first}\n\n{about}", f"{first}{wire}") == 1.0


def test_names_and_cities_do_not_tell_copies_apart():
    original = clinic_post(BDNF_POST, ("Harbor Light Clinic", "Portland"))
    renamed = clinic_post(BDNF_POST, ("Cedar Grove Clinic", "Boise"))
    assert original != renamed
    # Names of as many words as the original's: nothing else differs.
    assert near_duplicates(original, renamed) == 1.0
    # Acronyms and lower-case words still count.
    assert near_duplicates(original, original.replace("BDNF", "GDNF")) < 1.0


def test_duplicate_clusters_view_lists_each_cluster_with_its_sites(tmp_path):
    db = open_db(tmp_path / "c.db")
    harbor = upsert_site(db, "Harbor", "https://harbor.example/blog/")
    ridge = upsert_site(db, "Blue Ridge", "https://ridge.example/blog/")
    texts = {
        ("harbor", "a"): (harbor, clinic_post(BDNF_POST, CLINICS[0]), "2023-01-05"),
        ("ridge", "a"): (ridge, syndicated(BDNF_POST, CLINICS[1], OPENINGS[0]), "2023-02-01"),
        ("harbor", "a-again"): (harbor, republished(clinic_post(BDNF_POST, CLINICS[0]), INTROS[0]), "2024-01-01"),
        ("ridge", "b"): (ridge, clinic_post(GROWTH_FACTOR_POST, CLINICS[1]), "2023-03-01"),
    }
    ids = {}
    for (site, slug), (site_id, text, published) in texts.items():
        record = PostRecord(site_id=site_id, url=f"https://{site}.example/blog/{slug}/", text=text,
                            content_hash=content_hash(text), minhash=minhash_signature(text), published_at=published)
        ids[site, slug] = save_post(db, record)[0]
    set_duplicates(db, duplicate_heads(dedup_signatures(db)))

    rows = list(db.query("SELECT * FROM duplicate_clusters"))
    assert len(rows) == 1
    cluster = rows[0]
    assert cluster["head_id"] == ids["harbor", "a"] and cluster["head_site"] == "Harbor"
    assert (cluster["copies"], cluster["posts"], cluster["site_count"]) == (2, 3, 2)
    assert json.loads(cluster["sites"]) == ["Blue Ridge", "Harbor"]
    assert cluster["same_site_copies"] == 1  # republished on its own site
    assert json.loads(cluster["copy_ids"]) == [ids["ridge", "a"], ids["harbor", "a-again"]]
    assert set(cluster["copy_sites"].split(",")) == {"Blue Ridge", "Harbor"}
    assert cluster["last_copy_published_at"] == "2024-01-01"


@pytest.mark.slow  # deselected by default (pyproject addopts); run with `pytest -m slow`
def test_indexing_twenty_thousand_signatures():
    rng = np.random.default_rng(20240601)
    originals, copies = 18_000, 2_000
    values = rng.integers(0, 2**32 - 1, size=(originals + copies, NUM_PERM), dtype=np.uint32)
    sources = rng.choice(originals, size=copies, replace=False)
    for row, source in enumerate(sources, start=originals):
        # A near copy shares about 85% of its source's hash values.
        values[row] = np.where(rng.random(NUM_PERM) < 0.85, values[source], values[row])
    posts = ({"id": i, "content_hash": f"h{i}", "minhash": values[i].astype("<u4").tobytes(),
              "published_at": None, "first_seen_at": f"2024-01-01T00:00:{i:05d}"} for i in range(len(values)))
    started = time.perf_counter()
    heads = duplicate_heads(posts)
    elapsed = time.perf_counter() - started
    print(f"\nduplicate_heads over {len(values):,} signatures: {elapsed:.2f} s")
    assert {i: heads[i] for i in range(originals, originals + copies)} == dict(zip(range(originals, originals + copies),
                                                                                    map(int, sources)))
    assert sum(head is not None for head in heads.values()) == copies
