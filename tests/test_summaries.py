"""The summaries package: sentence candidates, the encoder, extractive selection, the batch runner."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from types import SimpleNamespace

import numpy as np
import pytest

import db
from db.store import PostRecord, mark_removed, save_post, set_duplicates, upsert_site
from summaries import ExtractiveSummarizer, ModelNotAvailableError, SentenceEncoder, load_summarizer
from summaries.batch import summarize_pending
from summaries.extractive import select_sentences, sentence_count
from summaries.sentences import Sentence, is_candidate, rejection_reason, split_sentences

# Test posts written for these tests, in the manner of clinic blogs.
REWIRING_POST = """How Ketamine Helps the Brain Rebuild Connections

Depression is more than a chemical imbalance. Long periods of stress can shrink the branches of neurons in the prefrontal cortex, the region that helps us plan, regulate emotion and weigh alternatives.

Ketamine works differently from the antidepressants most patients have already tried. Instead of slowly raising serotonin, it blocks NMDA receptors on inhibitory interneurons, which briefly releases a surge of glutamate. That glutamate burst activates AMPA receptors and triggers the release of brain-derived neurotrophic factor, better known as BDNF.

BDNF acts like fertilizer for neurons. In animal studies, new dendritic spines appear within hours of a single dose, and the growth of these synapses tracks the improvement in mood. Researchers believe this window of heightened neuroplasticity is why some people feel relief after one or two infusions rather than after several weeks.

What does this mean for you?

The new connections are not permanent on their own. Without reinforcement, many of the spines fade over the following weeks. This is why therapy during the days after an infusion matters so much: practicing new habits while the brain is unusually adaptable helps the changes last.

At Bright Path Ketamine Clinic, we offer a full series of six infusions with integration coaching. Call us today at (215) 555-0142 or email hello@brightpathclinic.com to schedule your free consultation.

Bright Path Ketamine Clinic, 1200 Walnut Street, Suite 400, Philadelphia, PA 19107"""

SHORT_POST = """Ketamine and Neural Growth

Ketamine can prompt neurons in the prefrontal cortex to grow new synaptic connections within a day of treatment. This rapid synaptogenesis is thought to underlie its fast antidepressant effect. The effect depends on a brief rise in glutamate and a release of BDNF.

Ready to learn more? Book an appointment with our team today."""

LONG_POST = """Ketamine, Glutamate and the Science of Rewiring

For decades, ketamine was known mainly as an anesthetic used in operating rooms and on battlefields. Its reputation changed in the early 2000s, when small studies found that a single low dose could lift severe depression within hours. That speed was unheard of, because standard antidepressants usually take four to eight weeks to work.

The explanation researchers keep returning to is plasticity, the brain's ability to reshape its own wiring. Neurons talk to each other across tiny junctions called synapses, and the number and strength of those junctions change with experience. Chronic stress and long episodes of depression appear to thin out these connections, especially in the prefrontal cortex and the hippocampus.

Ketamine blocks a receptor for glutamate known as the NMDA receptor. Oddly, the net effect is a brief increase in glutamate release, because the drug quiets the inhibitory cells that normally keep excitatory neurons in check. The extra glutamate then stimulates a second receptor type, the AMPA receptor, on nearby neurons.

AMPA activation sets off a chain of signals inside the cell. One of the most studied steps is the release of brain-derived neurotrophic factor, a protein that supports the survival and growth of neurons. Another is the activation of mTOR, a cellular switch that ramps up the production of the proteins needed to build new synapses.

In rodent experiments, the result can be seen under a microscope. Within a day of a single dose, neurons in the prefrontal cortex carry more dendritic spines, the small protrusions where synapses form. When scientists block BDNF or mTOR, the new spines fail to appear and the antidepressant-like effect disappears with them.

Imaging studies in people point in the same direction, although the evidence is less direct. Functional scans taken after an infusion show changes in how strongly different brain regions communicate. Some of these changes in connectivity line up with improvements in mood, rumination and the ability to imagine a different future.

Esketamine, one of the two mirror-image forms of the ketamine molecule, was approved as a nasal spray for treatment-resistant depression in 2019. It is given in a certified medical setting, and patients are observed for two hours afterward because of possible dissociation and changes in blood pressure. Intravenous ketamine is still used off label for the same purpose in many practices.

The growth of new synapses does not guarantee lasting recovery. In animal work, many of the new spines disappear over the following weeks unless the circuits they belong to are used. Clinicians therefore describe the days after a dose as a window of opportunity rather than a cure.

That idea has shaped how treatment is delivered. Many programs pair a series of infusions with psychotherapy, so that patients practice new ways of thinking while the brain is more adaptable. Early studies of this combination suggest that the benefits can last longer than those of infusions alone, but the trials so far are small.

Ketamine is not without risks. Common short-term effects include dizziness, nausea, a sense of detachment and a rise in blood pressure during the session. Repeated recreational use at high doses has been linked to bladder damage and memory problems, which is why medical protocols keep doses low and sessions supervised.

There are also open scientific questions. It is not yet clear whether the synaptic growth seen in rodents happens to the same degree in the human brain, or whether it is the main reason patients improve. Some researchers argue that ketamine's effects on inflammation, on opioid receptors or on brain rhythms matter as much as new spines.

Even with those caveats, the research has changed how scientists think about depression. Rather than a simple shortage of one chemical, depression is increasingly described as a problem of connections that can be weakened by stress and strengthened again. Ketamine offered the first clear example of a medication that seems to rebuild those connections quickly.

For patients, the practical lesson is that ketamine is one tool among several. It tends to work best for people who have not responded to other treatments, and it works best when it is part of a broader plan that includes therapy, sleep, exercise and social support. A careful medical evaluation is needed to decide whether it is appropriate."""

# The sentences that must never be picked are the ones packed with the post's key words.
TRAPS = [
    "Ketamine BDNF Synaptic Growth and Neuroplasticity in the Depressed Brain",
    "How does ketamine trigger BDNF release and synaptic growth in the depressed brain?",
    "In this post we will explain how ketamine drives BDNF release and synaptic growth in the brain.",
    "At Synapse Ketamine Center, we offer ketamine infusions that boost BDNF and synaptic growth in the brain.",
    "Call us to learn how ketamine, BDNF and synaptic growth can help your depressed brain heal.",
    "Questions about ketamine and synaptic growth in the brain: write to care@synapseketamine.com or dial (610) 555-0199.",
]
TRAP_POST = f"""{TRAPS[0]}

{TRAPS[1]} {TRAPS[2]}

Chronic stress wears down the connections between nerve cells in brain regions that regulate mood. Ketamine appears to reverse part of this damage by setting off a short burst of glutamate signaling. Within a day, rodents given a low dose grow new dendritic spines on cortical neurons.

The protein BDNF is central to this process, because blocking it in mice removes the antidepressant effect. Human imaging studies also suggest that connectivity between the prefrontal cortex and deeper structures changes after treatment. Not every patient responds, and the benefit of a single infusion usually fades within two weeks.

{TRAPS[3]} {TRAPS[4]}

{TRAPS[5]}"""

NOTHING_TO_SAY = """Ketamine Infusions Near You

Is ketamine right for you? Call us today at 555-010-2030 to book a consultation.

Contact our friendly team"""


def as_sentence(text: str) -> Sentence:
    return Sentence(text=text, paragraph=0, position=0, in_heading=False)


def post_sentences_in(post: str, summary: str) -> list[Sentence]:
    """The post's sentences that, joined by spaces, make the summary (in the summary's order); fails if none do."""
    sentences = split_sentences(post)
    remaining = summary
    found = []
    while remaining:
        sentence = next((s for s in sentences if remaining.startswith(s.text)), None)
        assert sentence is not None, f"not made of the post's sentences: {remaining!r}"
        found.append(sentence)
        remaining = remaining[len(sentence.text):].removeprefix(" ")
    return found


@pytest.fixture(scope="session")
def encoder() -> SentenceEncoder:
    return SentenceEncoder()


@pytest.fixture(scope="session")
def summarizer(encoder) -> ExtractiveSummarizer:
    return ExtractiveSummarizer(encoder)


# --- candidates -----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Can ketamine really help the brain form new synapses?", "question"),
        ("Here is what happens in the brain after an infusion:", "lead-in"),
        ("Reach out to our front desk to find out if you qualify.", "call to action"),
        ("Schedule a free consultation and start feeling better this month.", "call to action"),
        ("Click here to download our guide to ketamine and neuroplasticity.", "call to action"),
        ("Sign up for our newsletter to hear about the newest research.", "call to action"),
        ("Book your first infusion online and skip the waiting list.", "call to action"),
        ("Our phone line, 484-555-0100, is staffed every weekday morning.", "contact"),
        ("Send your records to intake@calmmindclinic.org before the first visit.", "contact"),
        ("More details on dosing are posted at https://example.org/dosing for patients.", "contact"),
        ("The clinic has moved to 55 Lancaster Avenue in the spring.", "contact"),
        ("In this article we will look at the science of ketamine and synapses.", "signposting"),
        ("Today, we'll explore how glutamate signaling shapes new connections.", "signposting"),
        ("At Harbor Mind Wellness, we offer ketamine therapy in a calm setting.", "self-promotion"),
        ("Our clinic provides every infusion under the care of an anesthesiologist.", "self-promotion"),
        ("Ketamine promotes synapse growth.", "too short"),
        (" ".join(["Ketamine changes the brain in many small ways"] * 8) + ".", "too long"),
        ("See the raw data in this file: " + "x" * 5000 + " for all six trials.", "too long"),
    ],
)
def test_rejected_sentences_name_their_reason(text, reason):
    assert rejection_reason(as_sentence(text)) == reason
    assert not is_candidate(as_sentence(text))


@pytest.mark.parametrize(
    "text",
    [
        "Researchers call this burst of new connections rapid synaptogenesis.",
        "In the 2019 trial, patients received 0.5 mg/kg over 40 minutes twice a week.",
        "Stress shrinks dendrites, while ketamine restores them within 24 hours in mice.",
        "Spravato, the nasal spray form of esketamine, was approved by the FDA in 2019.",
        "The contact between neurons, the synapse, is where learning leaves its trace.",
    ],
)
def test_plain_claims_are_candidates(text):
    assert rejection_reason(as_sentence(text)) is None


def test_split_keeps_paragraphs_positions_and_verbatim_text():
    sentences = split_sentences(REWIRING_POST)
    assert [s.position for s in sentences] == list(range(len(sentences)))
    assert all(s.text in REWIRING_POST for s in sentences)
    assert sentences[0].in_heading and sentences[0].paragraph == 0
    assert not sentences[1].in_heading and sentences[1].paragraph == 1
    question = next(s for s in sentences if s.text.startswith("What does this mean"))
    assert not question.in_heading  # it has final punctuation: a question, not a heading
    assert [s.paragraph for s in sentences] == sorted(s.paragraph for s in sentences)
    assert rejection_reason(sentences[-1]) == "heading"  # the one-line address paragraph


def test_split_handles_empty_text():
    assert split_sentences("") == []
    assert split_sentences("\n\n \n") == []


# --- the encoder ----------------------------------------------------------------------

def test_encoder_returns_unit_vectors_independent_of_batching(encoder):
    sentences = [
        "Ketamine triggers the growth of new synapses.",
        "After ketamine, neurons sprout new connections.",
        "The parking lot is behind the building on the left side.",
        "A much longer sentence about how brain-derived neurotrophic factor supports "
        "the survival of neurons and the formation of new dendritic spines.",
    ]
    together = encoder.encode(sentences, batch_size=2)
    one_by_one = np.vstack([encoder.encode([s]) for s in sentences])
    assert together.shape == (4, encoder.dimension)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(together, one_by_one, atol=1e-4)
    similarity = together @ together.T
    assert similarity[0, 1] > similarity[0, 2] + 0.2


def test_encoder_names_the_bundled_model_and_its_weights(encoder):
    assert encoder.name == "sentence-transformers/all-MiniLM-L6-v2"
    assert encoder.revision is not None and len(encoder.revision) == 12
    int(encoder.revision, 16)
    assert encoder.encode([]).shape == (0, encoder.dimension)


def test_unknown_model_id_raises_a_clear_error():
    with pytest.raises(ModelNotAvailableError) as error:
        SentenceEncoder("clinicwatch-tests/no-such-model")
    message = str(error.value)
    assert "clinicwatch-tests/no-such-model" in message
    assert "allow_download=True" in message and "path" in message


def test_missing_model_directory_raises_a_clear_error(tmp_path):
    missing = tmp_path / "models" / "gone"
    with pytest.raises(ModelNotAvailableError, match="does not exist"):
        SentenceEncoder(str(missing))


def test_load_summarizer_lists_the_available_kinds():
    with pytest.raises(ValueError, match="available: extractive"):
        load_summarizer("poetic")


# --- selection ------------------------------------------------------------------------

def test_sentence_count_grows_with_post_length():
    counts = [sentence_count(words, 2, 4) for words in (50, 300, 600, 900, 1200, 5000)]
    assert counts[0] == counts[1] == 2
    assert counts[-1] == counts[-2] == 4
    assert counts == sorted(counts)
    assert sentence_count(700, 3, 3) == 3


def test_mmr_prefers_a_new_point_over_a_near_copy():
    central = np.array([1.0, 0.0, 0.0])
    near_copy = np.array([0.99, 0.14, 0.0])
    other_side = np.array([0.6, 0.0, 0.8])
    embeddings = np.array([central, near_copy, other_side]) / np.linalg.norm(
        [central, near_copy, other_side], axis=1, keepdims=True
    )
    no_bonus = np.zeros(3)
    assert select_sentences(embeddings, no_bonus, 1) == [0]
    assert select_sentences(embeddings, no_bonus, 2) == [0, 2]
    assert select_sentences(embeddings, no_bonus, 2, mmr_lambda=1.0) == [0, 1]


def test_position_bonus_breaks_a_tie_for_the_earlier_sentence():
    embeddings = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert select_sentences(embeddings, np.array([0.0, 1.0]), 1) == [1]
    assert select_sentences(embeddings, np.array([1.0, 0.0]), 1) == [0]


# --- summaries ------------------------------------------------------------------------

@pytest.mark.parametrize("post", [REWIRING_POST, SHORT_POST, TRAP_POST, LONG_POST])
def test_summary_is_two_to_four_sentences_of_the_post_in_order(summarizer, post):
    summary = summarizer.summarize(post)
    picked = post_sentences_in(post, summary)
    assert len(picked) == sentence_count(len(post.split()), 2, 4)
    assert [s.position for s in picked] == sorted(s.position for s in picked)
    assert all(is_candidate(s) for s in picked)


def test_headings_questions_calls_and_contacts_are_never_picked(summarizer, encoder):
    sentences = split_sentences(TRAP_POST)
    vectors = encoder.encode([s.text for s in sentences])
    centroid = vectors.mean(axis=0)
    closeness = dict(zip((s.text for s in sentences), vectors @ centroid))
    summary = summarizer.summarize(TRAP_POST)
    picked = post_sentences_in(TRAP_POST, summary)
    # The traps really are the most central text, so only the filter keeps them out.
    assert max(closeness[t] for t in TRAPS) > max(closeness[s.text] for s in picked)
    assert not any(trap in summary for trap in TRAPS)


def test_a_post_with_no_candidate_sentence_gets_an_empty_summary(summarizer):
    assert summarizer.summarize(NOTHING_TO_SAY) == ""
    assert summarizer.summarize("") == ""


def test_longer_posts_get_longer_summaries(summarizer):
    assert len(post_sentences_in(LONG_POST, summarizer.summarize(LONG_POST))) > len(
        post_sentences_in(SHORT_POST, summarizer.summarize(SHORT_POST))
    )


def test_summarize_many_equals_one_at_a_time(summarizer):
    posts = [REWIRING_POST, NOTHING_TO_SAY, SHORT_POST, TRAP_POST, LONG_POST]
    assert summarizer.summarize_many(posts) == [summarizer.summarize(p) for p in posts]


def test_summarizer_describes_itself(summarizer, encoder):
    assert summarizer.method == "extractive"
    assert summarizer.model == encoder.name
    assert summarizer.model_revision == encoder.revision
    assert summarizer.params["min_sentences"] == 2 and summarizer.params["max_sentences"] == 4


# --- the batch runner -----------------------------------------------------------------

def add_post(database, site_id: int, slug: str, text: str, relevant: bool = True) -> int:
    record = PostRecord(
        site_id=site_id,
        url=f"https://clinic.example/blog/{slug}/",
        text=text,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        title=slug,
        is_relevant=relevant,
    )
    return save_post(database, record)[0]


@pytest.fixture
def clinic(tmp_path) -> SimpleNamespace:
    """A database with three posts to summarize and three that must be skipped."""
    database = db.open_db(tmp_path / "t.db")
    site = upsert_site(database, "Example Ketamine Clinic", "https://clinic.example/blog/")
    ids = {
        "rewiring": add_post(database, site, "rewiring", REWIRING_POST),
        "short": add_post(database, site, "short", SHORT_POST),
        "traps": add_post(database, site, "traps", TRAP_POST),
        "insurance": add_post(database, site, "insurance", SHORT_POST.replace("Neural", "Billing"), relevant=False),
        "copy": add_post(database, site, "copy", REWIRING_POST + "\n\nShared by a partner clinic."),
        "gone": add_post(database, site, "gone", TRAP_POST + "\n\nArchived."),
    }
    set_duplicates(database, {ids["copy"]: ids["rewiring"]})
    mark_removed(database, "https://clinic.example/blog/gone/")
    return SimpleNamespace(db=database, site_id=site, ids=ids)


def stored_summaries(database) -> list[dict]:
    return list(database.query("SELECT * FROM summaries ORDER BY id"))


def test_batch_summarizes_relevant_unique_published_posts_once(clinic, summarizer):
    written = summarize_pending(clinic.db, summarizer, batch_size=2, progress=False)
    assert written == 3
    rows = {row["post_id"]: row for row in stored_summaries(clinic.db)}
    assert set(rows) == {clinic.ids["rewiring"], clinic.ids["short"], clinic.ids["traps"]}
    short = rows[clinic.ids["short"]]
    assert short["summary"] == summarizer.summarize(SHORT_POST)
    assert short["content_hash"] == hashlib.sha256(SHORT_POST.encode()).hexdigest()
    assert (short["method"], short["model"], short["model_revision"]) == (
        "extractive", summarizer.model, summarizer.model_revision
    )
    assert json.loads(short["params"]) == summarizer.params
    assert summarize_pending(clinic.db, summarizer, progress=False) == 0


def test_changed_text_makes_a_post_pending_again(clinic, summarizer):
    summarize_pending(clinic.db, summarizer, progress=False)
    edited = SHORT_POST.replace("within a day", "within hours")
    add_post(clinic.db, clinic.site_id, "short", edited)
    assert summarize_pending(clinic.db, summarizer, progress=False) == 1
    rows = [row for row in stored_summaries(clinic.db) if row["post_id"] == clinic.ids["short"]]
    assert [row["content_hash"] for row in rows] == [
        hashlib.sha256(text.encode()).hexdigest() for text in (SHORT_POST, edited)
    ]
    assert rows[-1]["summary"] == summarizer.summarize(edited)


def test_limit_caps_the_posts_summarized(clinic, summarizer):
    assert summarize_pending(clinic.db, summarizer, limit=1, progress=False) == 1
    assert summarize_pending(clinic.db, summarizer, progress=False) == 2


class FailsInBatch:
    """Hands back a summary SQLite cannot store as the last of one batch, so that batch's write fails midway."""

    method = "extractive"
    model = "stub"
    model_revision = None
    params: dict = {}

    def __init__(self, failing_batch: int):
        self.failing_batch = failing_batch
        self.calls = 0

    def summarize_many(self, texts):
        self.calls += 1
        summaries = [f"A summary of a post of {len(text)} characters." for text in texts]
        if self.calls == self.failing_batch:
            summaries[-1] = object()
        return summaries


def test_a_failing_batch_writes_none_of_its_rows(clinic):
    with pytest.raises(sqlite3.Error):
        summarize_pending(clinic.db, FailsInBatch(failing_batch=1), batch_size=3, progress=False)
    assert stored_summaries(clinic.db) == []


def test_a_failing_batch_keeps_the_batches_before_it(clinic):
    with pytest.raises(sqlite3.Error):
        summarize_pending(clinic.db, FailsInBatch(failing_batch=2), batch_size=1, progress=False)
    assert [row["post_id"] for row in stored_summaries(clinic.db)] == [clinic.ids["rewiring"]]
    assert summarize_pending(clinic.db, FailsInBatch(failing_batch=0), progress=False) == 2


def test_progress_goes_to_stderr(clinic, summarizer, capsys):
    summarize_pending(clinic.db, summarizer, progress=True)
    captured = capsys.readouterr()
    assert "summarizing" in captured.err and "3/3" in captured.err
    assert captured.out == ""


def test_batch_size_must_be_positive(clinic, summarizer):
    with pytest.raises(ValueError, match="batch_size"):
        summarize_pending(clinic.db, summarizer, batch_size=0)
