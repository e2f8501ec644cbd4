"""The summaries package: sentence candidates, the encoder and its runtimes, extractive selection,
the abstractive summarizer with its faithfulness check, provenance, the batch runner."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from types import SimpleNamespace

import numpy as np
import pytest
import torch

import db
from db.store import PostRecord, mark_removed, save_post, set_duplicates, upsert_site
from pipeline.onnx_int8 import EXPORT_VERSION, cached_model_path
from pipeline.sentence_model import files_digest, weight_files
from pipeline.sentences import (
    Sentence,
    depends_on_previous,
    is_candidate,
    rejection_reason,
    split_sentences,
)
from summaries import (
    ExtractiveSummarizer,
    ModelNotAvailableError,
    SentenceEncoder,
    Summary,
    load_summarizer,
)
from summaries.abstractive import INSTRUCTION, AbstractiveSummarizer, chunk_sentences
from summaries.batch import summarize_pending
from summaries.extractive import (
    QUANTITY_BONUS,
    SELECTION,
    SELECTION_VERSION,
    about_ketamine,
    claim_bonus,
    pieces,
    select_pieces,
    sentence_count,
)
from summaries.faithfulness import fallback_reason, unsupported_details
from tests.conftest import clinicwatch

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
        ("Discover how ketamine helps the brain form new connections after long stress.", "signposting"),
        ("Understand the science and speed of ketamine compared with older antidepressants.", "signposting"),
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


def test_titles_inside_a_paragraph_and_reference_lines_are_never_candidates():
    text = ("Ketamine lifts mood within hours for many patients with depression.\n"
            "The Science Behind Ketamine Infusions\n"
            "\u2022 Ketamine: blocks NMDA receptors, raising glutamate within hours\n"
            "Moreno, L. T., Adeyemi, K., & Brandt, S. (2021). Low-dose ketamine lifted mood in 40 adults within a day.\n"
            "Okafor CN, Lindqvist P. Ketamine relieves nerve pain for weeks after four infusions.\n"
            "Moreno and colleagues found that mood lifted within a day in most of the adults they treated.")
    reasons = [rejection_reason(s) for s in split_sentences(text)]
    assert reasons == [None, "heading", None, "reference", "reference", "reference", None]


def test_split_handles_empty_text():
    assert split_sentences("") == []
    assert split_sentences("\n\n \n") == []


def test_split_knows_abbreviations_decimals_lines_and_list_numbers():
    text = ("Dr. Reyes gives 0.5 mg/kg over 40 minutes, e.g. on Mondays. Most patients feel calmer!\n"
            "1. Keep a consistent wake time.\n"
            "2) Get morning light\n"
            "- Cut caffeine by noon\n\n"
            "A. Patel (U.S. Army) agreed.")
    assert [s.text for s in split_sentences(text)] == [
        "Dr. Reyes gives 0.5 mg/kg over 40 minutes, e.g. on Mondays.",
        "Most patients feel calmer!",
        "1. Keep a consistent wake time.",
        "2) Get morning light",
        "- Cut caffeine by noon",
        "A. Patel (U.S. Army) agreed.",
    ]


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
    with pytest.raises(ValueError, match="available: extractive, abstractive"):
        load_summarizer("poetic")
    with pytest.raises(ValueError, match="needs a model"):
        load_summarizer("abstractive")


def test_unknown_runtime_is_refused():
    with pytest.raises(ValueError, match="unknown runtime 'tpu'"):
        SentenceEncoder(runtime="tpu")


def test_the_int8_runtime_is_refused_off_the_cpu_with_the_reason():
    # "meta" stands in for a GPU here: a device that is not the CPU, available everywhere.
    with pytest.raises(ValueError, match="runs on the CPU only.*use runtime torch"):
        SentenceEncoder(runtime="onnx-int8", device="meta")


# --- encoder runtimes -------------------------------------------------------------------

RUNTIME_SENTENCES = [
    "Ketamine triggers the growth of new synapses in the prefrontal cortex.",
    "The parking lot is behind the building on the left side.",
    "Stress shrinks dendrites, while ketamine restores them within 24 hours in mice.",
    "BDNF acts like fertilizer for neurons.",
    "Spravato, the nasal spray form of esketamine, was approved by the FDA in 2019 for adults "
    "with treatment-resistant depression who had tried at least two other antidepressants.",
]


@pytest.fixture(scope="session")
def exact_encoder() -> SentenceEncoder:
    return SentenceEncoder(runtime="torch")


def test_the_cpu_default_is_the_int8_runtime_close_to_float32(encoder, exact_encoder):
    assert encoder.runtime == "onnx-int8" and exact_encoder.runtime == "torch"
    assert encoder.runtime_params["runtime"] == "onnx-int8" and "onnxruntime" in encoder.runtime_params
    assert encoder.runtime_params["export"] == EXPORT_VERSION
    assert exact_encoder.runtime_params["device"] == "cpu"
    fast, exact = encoder.encode(RUNTIME_SENTENCES), exact_encoder.encode(RUNTIME_SENTENCES)
    np.testing.assert_allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    assert ((fast * exact).sum(axis=1) > 0.97).all()
    # Same model, same weights: the runtime is a parameter, not another model.
    assert (encoder.name, encoder.revision) == (exact_encoder.name, exact_encoder.revision)


def test_int8_embeddings_do_not_depend_on_the_other_sentences_of_the_call(encoder):
    encoder.forget()
    together = encoder.encode(RUNTIME_SENTENCES)
    for i, sentence in enumerate(RUNTIME_SENTENCES):
        encoder.forget()
        np.testing.assert_array_equal(encoder.encode([sentence])[0], together[i])
    encoder.forget()
    np.testing.assert_array_equal(encoder.encode(RUNTIME_SENTENCES[::-1])[::-1], together)


def test_int8_embeddings_kept_from_earlier_calls_are_the_ones_computed_again(encoder, monkeypatch):
    encoder.forget()
    repeated = RUNTIME_SENTENCES + RUNTIME_SENTENCES[:2]
    first = encoder.encode(repeated)
    np.testing.assert_array_equal(first[len(RUNTIME_SENTENCES):], first[:2])
    embedded = []
    original = encoder._onnx.embed
    monkeypatch.setattr(encoder._onnx, "embed", lambda ids: embedded.append(len(ids)) or original(ids))
    again = encoder.encode(RUNTIME_SENTENCES[::-1] + ["A sentence not seen before by this encoder."])
    assert embedded == [1]  # only the new sentence
    np.testing.assert_array_equal(again[:len(RUNTIME_SENTENCES)][::-1], first[:len(RUNTIME_SENTENCES)])
    encoder.forget()
    np.testing.assert_array_equal(encoder.encode(RUNTIME_SENTENCES), first[:len(RUNTIME_SENTENCES)])


def test_int8_model_is_built_once_per_weights_and_rebuilt_identically(encoder, tmp_path, monkeypatch):
    assert encoder.revision in cached_model_path(encoder.name, encoder.revision).name
    assert cached_model_path(encoder.name, "0" * 12) != cached_model_path(encoder.name, encoder.revision)
    monkeypatch.setenv("CLINICWATCH_CACHE_DIR", str(tmp_path))
    fresh = SentenceEncoder()
    built = cached_model_path(fresh.name, fresh.revision)
    assert not built.exists()  # nothing loads or builds before the first sentence
    np.testing.assert_array_equal(fresh.encode(RUNTIME_SENTENCES), encoder.encode(RUNTIME_SENTENCES))
    assert built.is_file() and built.is_relative_to(tmp_path)
    assert [p.name for p in built.parent.iterdir()] == [built.name]  # no temporary files left
    stamp = built.stat().st_mtime_ns
    assert SentenceEncoder().runtime == "onnx-int8"
    assert built.stat().st_mtime_ns == stamp


NO_OP_SUMMARIZE = """
import sys
from clinicwatch.cli import cli
cli(["summarize", "--db", sys.argv[1]], standalone_mode=False)
print(sorted(name for name in ("torch", "transformers", "onnxruntime") if name in sys.modules))
"""


def test_summarize_with_nothing_pending_loads_no_model(tmp_path):
    # A nightly run whose crawl found nothing new: before, summarize imported torch and transformers and
    # loaded the model (5 to 8 s) to find that out.
    import os
    import subprocess
    import sys

    path = tmp_path / "nothing-pending.db"
    db.open_db(path).close()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    run = subprocess.run([sys.executable, "-c", NO_OP_SUMMARIZE, str(path)], capture_output=True, text=True,
                         cwd=root, env={**os.environ, "PYTHONPATH": root}, check=True)
    assert "summaries written: 0" in run.stdout
    assert run.stdout.strip().splitlines()[-1] == "[]"


# --- selection ------------------------------------------------------------------------

def test_sentence_count_grows_with_post_length():
    counts = [sentence_count(words, 2, 4) for words in (50, 300, 600, 900, 1200, 5000)]
    assert counts[0] == counts[1] == 2
    assert counts[-1] == counts[-2] == 4
    assert counts == sorted(counts)
    assert sentence_count(700, 3, 3) == 3


def choose(relevance, similarity, piece_of, words=None, **kwargs):
    words = words or [10] * len(relevance)
    settings = {"min_sentences": 1, "max_sentences": 5, "min_words": 0, "max_words": None} | kwargs
    return select_pieces(np.asarray(relevance, dtype=np.float32), np.asarray(similarity, dtype=np.float32),
                         piece_of, words, **settings)


def test_mmr_prefers_a_new_point_over_a_near_copy():
    central = np.array([1.0, 0.0, 0.0])
    near_copy = np.array([0.99, 0.14, 0.0])
    other_side = np.array([0.6, 0.0, 0.8])
    embeddings = np.array([central, near_copy, other_side]) / np.linalg.norm(
        [central, near_copy, other_side], axis=1, keepdims=True
    )
    centroid = embeddings.mean(axis=0) / np.linalg.norm(embeddings.mean(axis=0))
    relevance, similarity = embeddings @ centroid, embeddings @ embeddings.T
    singles = [[0], [1], [2]]
    assert choose(relevance, similarity, singles, max_sentences=1) == [0]
    assert choose(relevance, similarity, singles, min_sentences=2, max_sentences=2) == [0, 2]
    assert choose(relevance, similarity, singles, min_sentences=2, max_sentences=2, mmr_lambda=1.0) == [0, 1]


def test_a_sentence_that_leans_on_the_one_before_comes_with_it():
    # Row 1 is the best sentence but needs row 0; row 2 stands alone.
    relevance, similarity = [0.1, 0.9, 0.5], np.eye(3)
    assert sorted(choose(relevance, similarity, [[0], [0, 1], [2]], min_sentences=2, max_sentences=2)) == [0, 1]
    # No room for the pair: the sentence standing alone is taken instead of the half.
    assert choose(relevance, similarity, [[0, 1], [2]], max_sentences=1) == [2]


def test_summaries_grow_to_the_minimum_words_and_stop_before_the_maximum():
    relevance, similarity = [0.9, 0.8, 0.7, 0.6, 0.5], np.eye(5)
    singles = [[i] for i in range(5)]
    assert choose(relevance, similarity, singles, [20] * 5, min_sentences=3, min_words=50) == [0, 1, 2]
    assert choose(relevance, similarity, singles, [10] * 5, min_sentences=3, min_words=50) == [0, 1, 2, 3, 4]
    # The 70-word second-best sentence would pass 120 words: the next one is taken.
    assert choose(relevance, similarity, singles, [60, 70, 20, 20, 20], min_sentences=3, min_words=50,
                  max_words=120) == [0, 2, 3]


def test_the_first_sentence_chosen_meets_the_must_and_then_the_second():
    relevance, similarity = [0.9, 0.8, 0.2, 0.1], np.eye(4)
    singles = [[i] for i in range(4)]
    names = np.array([False, False, True, False])
    outcome = np.array([False, False, False, True])
    assert choose(relevance, similarity, singles, min_sentences=3, first_must=names, then_must=outcome)[:2] == [2, 3]
    # A must no piece meets is no constraint.
    assert choose(relevance, similarity, singles, max_sentences=1, first_must=np.zeros(4, dtype=bool)) == [0]


@pytest.mark.parametrize("text", [
    "It blocks NMDA receptors within minutes of the first infusion.",
    "This surge activates a different receptor, AMPA, which starts a cascade.",
    "However, the improvement can fade after a few weeks without boosters.",
    "The answer lies in how the brain rebuilds its synapses after stress.",
    "In other words, repeated treatments grow more synapses across the brain.",
    "Additionally, ketamine increases BDNF in the prefrontal cortex of rats.",
    "Today, it is used off-label for depression at much lower doses.",
    "Patients can see the changes in the picture above after six sessions.",
    "\u201cI felt better than I had in years,\u201d one patient told the clinic.",
    "Most patients receive it as an outpatient and go home within two hours.",
    "No, under the REMS, Spravato must be given in a certified healthcare setting.",
    "Without integration, the window closes and the baseline returns within weeks.",
    "The procedure takes about forty minutes from start to finish for most people.",
    "What’s more, the relief often lasts for weeks after the final session.",
    "Glutamate also plays a role in forming traumatic memories and stress responses.",
    # Round 3 of issue 14: openings the labeller marked as leaning on an absent antecedent.
    "Initially developed as a battlefield anesthetic in the 1960s, it now treats depression in clinics.",
    "While under its effects, patients rest in a reclining chair for about an hour.",
    "More specifically, the group counted the dendritic spines on cortical neurons.",
    "The observations suggest the drug acts on two separate timescales in the cortex.",
    "The treatment, which uses a low dose of ketamine, is offered in two cities so far.",
    "Common examples include migraine and nerve pain that lingers after shingles.",
    "Some may notice a floating feeling during the first ketamine session.",
    "Neither option worked quickly enough for the patients in crisis that winter.",
])
def test_sentences_that_lean_on_the_one_before_are_recognised(text):
    assert depends_on_previous(text)


@pytest.mark.parametrize("text", [
    "Ketamine blocks NMDA receptors within minutes of the first infusion.",
    "Many patients feel relief from depression within hours of a ketamine infusion.",
    "It is important to eat lightly before a ketamine infusion appointment.",
    "Instead of raising serotonin, ketamine acts on the glutamate system of the brain.",
    "In addition to faster relief, ketamine lowers suicidal thoughts in many patients.",
    "Side effects of ketamine usually fade within an hour of each infusion.",
    "Historically, ketamine has been used by anesthesiologists in emergency rooms.",
    "Ketamine, with its unusual action on glutamate, lifts mood within hours for many patients.",
    "With a carefully planned schedule of booster visits, it is possible to stay well for months.",
    "The treatment of depression with low-dose infusions began in earnest around the year 2000.",
    "Some patients feel a mild floating sensation during the infusion and rest afterwards.",
])
def test_sentences_that_stand_alone_are_not_flagged(text):
    assert not depends_on_previous(text)


def test_pieces_join_a_sentence_to_its_antecedents_and_drop_orphans():
    post = """Ketamine at Low Doses

It rebuilds synapses within a day. Ketamine blocks NMDA receptors in the prefrontal cortex. This surge of glutamate releases BDNF. These changes last for about a week after one infusion."""
    candidates = [s for s in split_sentences(post) if is_candidate(s)]
    assert [s.text[:10] for s in candidates] == ["It rebuild", "Ketamine b", "This surge", "These chan"]
    # The first leans on a heading, which no summary may hold; the chain of three is kept whole.
    assert pieces(candidates) == [[], [1], [1, 2], [1, 2, 3]]


@pytest.mark.parametrize(("text", "quantified"), [
    ("Most patients feel better within hours of the first infusion.", True),
    ("Relief usually lasts 1-2 months, and a single booster restores it.", True),
    ("About 70% of the patients in the trial responded to the infusions.", True),
    ("Each infusion for mood disorders takes about forty-five minutes, or 45 minutes.", True),
    ("Ketamine has held FDA approval as an anesthetic since 1970.", False),
    ("Relief usually depends on the care that follows the last infusion.", False),
])
def test_a_quantified_speed_duration_or_rate_scores_as_a_claim(text, quantified):
    assert (claim_bonus(text, False) == QUANTITY_BONUS) is quantified


def test_focus_is_for_posts_about_ketamine():
    assert about_ketamine(REWIRING_POST) and about_ketamine(LONG_POST)
    assert not about_ketamine("Regular exercise raises BDNF and helps neurons grow new synapses. "
                              "A brisk walk each day improves mood within weeks.")


# --- summaries ------------------------------------------------------------------------

@pytest.mark.parametrize("post", [REWIRING_POST, SHORT_POST, TRAP_POST, LONG_POST])
def test_summary_is_three_to_five_standalone_sentences_of_the_post_in_order(summarizer, post):
    summary = summarizer.summarize(post)
    picked = post_sentences_in(post, summary)
    usable = [s for s in split_sentences(post) if is_candidate(s)]
    assert min(3, len(usable)) <= len(picked) <= 5
    assert len(summary.split()) <= 120
    assert [s.position for s in picked] == sorted(s.position for s in picked)
    assert all(is_candidate(s) for s in picked)
    positions = {s.position for s in picked}
    assert all(s.position - 1 in positions for s in picked if depends_on_previous(s.text))


# A clinic post written for this test: its most central sentences are brain background any article
# could contain; its claims about ketamine sit among them, one of them opening with "It".
BACKGROUND_POST = """What Happens in the Brain When You Are Depressed

The brain is made of billions of neurons that talk to each other across tiny gaps called synapses. Neurons in the prefrontal cortex help us plan, focus and regulate our emotions every day. Chronic stress wears down the connections between these neurons over months and years. The hippocampus, which stores memories, can also shrink under long periods of stress. Brain cells depend on growth factors to keep their branches healthy and connected. Sleep, exercise and social contact all support how well neurons keep their connections.

Ketamine, given as a low-dose infusion, blocks NMDA receptors and sets off a burst of glutamate. It helps neurons regrow the synapses that stress removed, often within 24 hours. Most patients with treatment-resistant depression feel relief after two or three infusions, and the relief lasts for weeks. A nurse monitors blood pressure throughout each ketamine infusion, and side effects fade within an hour.

Neurons are remarkable cells that adapt throughout life."""


def test_summaries_of_ketamine_posts_carry_its_claims_and_name_it(summarizer):
    summary = summarizer.summarize(BACKGROUND_POST)
    picked = post_sentences_in(BACKGROUND_POST, summary)
    assert any("ketamine" in s.text.lower() for s in picked)
    claims = [s for s in split_sentences(BACKGROUND_POST) if s.paragraph == 2]
    # Half the summary is the post's claims, though six of its ten sentences are background
    # (the central pair "Neurons in the prefrontal cortex ... these neurons" still gets in).
    assert sum(s in picked for s in claims) >= 2
    assert 50 <= len(summary.split()) <= 120
    # "It helps neurons regrow ..." never without the sentence naming ketamine before it.
    if any(s.text.startswith("It ") for s in picked):
        assert claims[0] in picked


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
    assert len(summarizer.summarize(LONG_POST).split()) > len(summarizer.summarize(SHORT_POST).split())


def test_summarize_many_equals_one_at_a_time(summarizer):
    posts = [REWIRING_POST, NOTHING_TO_SAY, SHORT_POST, TRAP_POST, LONG_POST]
    assert summarizer.summarize_many(posts) == [Summary(summarizer.summarize(p)) for p in posts]


def test_both_runtimes_summarize_with_the_posts_own_sentences(summarizer, exact_encoder):
    exact = ExtractiveSummarizer(exact_encoder)
    for post in (REWIRING_POST, TRAP_POST, LONG_POST):
        fast_picks = post_sentences_in(post, summarizer.summarize(post))
        exact_picks = post_sentences_in(post, exact.summarize(post))
        assert len(fast_picks) == len(exact_picks)
        assert all(is_candidate(s) for s in fast_picks + exact_picks)


def test_summarizer_describes_itself(summarizer, encoder):
    assert summarizer.method == "extractive"
    assert summarizer.model == encoder.name
    assert summarizer.model_revision == encoder.revision
    assert summarizer.params["min_sentences"] == 3 and summarizer.params["max_sentences"] == 5
    assert summarizer.params["min_words"] == 50 and summarizer.params["max_words"] == 120
    assert summarizer.params["focus"]["prototypes"] > 0
    assert summarizer.params["runtime"] == "onnx-int8"


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
        summaries = [Summary(f"A summary of a post of {len(text)} characters.") for text in texts]
        if self.calls == self.failing_batch:
            summaries[-1] = Summary(object())
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


# --- provenance: what makes a post pending again ----------------------------------------

class Recorder:
    """A summarizer that records which posts it was asked for; its identity is set per test."""

    method = "extractive"

    def __init__(self, model="recorder", model_revision="r1", params=None):
        self.model, self.model_revision = model, model_revision
        self.params = params or {"setting": 1}
        self.texts: list[str] = []

    def summarize_many(self, texts):
        self.texts.extend(texts)
        return [Summary(f"{self.model}@{self.model_revision}: {len(text)} characters.") for text in texts]


def summary_rows(database, model) -> list[dict]:
    return list(database.query("SELECT * FROM summaries WHERE model = ? ORDER BY post_id", [model]))


def test_new_weights_under_the_same_name_resummarize_and_replace(clinic):
    assert summarize_pending(clinic.db, Recorder(model_revision="r1"), progress=False) == 3
    again = Recorder(model_revision="r2")
    assert summarize_pending(clinic.db, again, progress=False) == 3
    rows = summary_rows(clinic.db, "recorder")
    assert len(rows) == 3 and {row["model_revision"] for row in rows} == {"r2"}
    assert all(row["summary"].startswith("recorder@r2") for row in rows)
    assert summarize_pending(clinic.db, Recorder(model_revision="r2"), progress=False) == 0


def test_other_settings_of_the_same_model_do_not_resummarize(clinic):
    summarize_pending(clinic.db, Recorder(params={"setting": 1}), progress=False)
    unchanged = Recorder(params={"setting": 2, "runtime": "torch"})
    assert summarize_pending(clinic.db, unchanged, progress=False) == 0
    assert unchanged.texts == []


def test_another_model_summarizes_beside_the_first(clinic):
    summarize_pending(clinic.db, Recorder(model="first"), progress=False)
    assert summarize_pending(clinic.db, Recorder(model="second"), progress=False) == 3
    assert len(summary_rows(clinic.db, "first")) == len(summary_rows(clinic.db, "second")) == 3


def test_an_edited_post_alone_is_summarized_again(clinic):
    summarize_pending(clinic.db, Recorder(), progress=False)
    edited = TRAP_POST.replace("two weeks", "three weeks")
    add_post(clinic.db, clinic.site_id, "traps", edited)
    recorder = Recorder()
    assert summarize_pending(clinic.db, recorder, progress=False) == 1
    assert recorder.texts == [edited]


def test_a_summary_by_an_older_selection_is_redone_and_one_by_the_current_selection_is_not(clinic, summarizer):
    assert summarize_pending(clinic.db, summarizer, progress=False) == 3
    rows = stored_summaries(clinic.db)
    assert {json.loads(row["params"])["selection_version"] for row in rows} == {SELECTION}
    # One summary as a database made before versions were recorded holds it, one by an older version
    # (round 4's plain number), one read by older mention rules.
    before_versions = {key: value for key, value in json.loads(rows[0]["params"]).items() if key != "selection_version"}
    older = {**json.loads(rows[1]["params"]), "selection_version": SELECTION_VERSION - 1}
    other_rules = {**json.loads(rows[2]["params"]), "selection_version": SELECTION.replace("mentions-", "mentions-0")}
    for row, params in ((rows[0], before_versions), (rows[1], older), (rows[2], other_rules)):
        clinic.db.execute("UPDATE summaries SET summary = 'Old.', params = ? WHERE id = ?", [json.dumps(params), row["id"]])
    assert summarize_pending(clinic.db, summarizer, progress=False) == 3
    again = stored_summaries(clinic.db)
    assert len(again) == 3 and all(row["summary"] != "Old." for row in again)
    assert {json.loads(row["params"])["selection_version"] for row in again} == {SELECTION}
    assert summarize_pending(clinic.db, summarizer, progress=False) == 0


def test_rows_record_method_model_weights_and_parameters(clinic, summarizer):
    summarize_pending(clinic.db, summarizer, limit=1, progress=False)
    (row,) = stored_summaries(clinic.db)
    assert (row["method"], row["model"]) == ("extractive", "sentence-transformers/all-MiniLM-L6-v2")
    assert row["model_revision"] == files_digest(weight_files(summarizer.encoder.source))
    assert json.loads(row["params"])["runtime"] == "onnx-int8"
    assert row["fallback_reason"] is None


# --- the faithfulness check ----------------------------------------------------------------

CHECKED_POST = (
    "Ketamine blocks NMDA receptors. In a 2019 trial at McLean Hospital, six infusions helped 40 percent "
    "of patients. Dr. Rivera's team measured BDNF-driven growth over twenty-four hours, and 1,200 "
    "people took part. Esketamine (Spravato) is the nasal spray."
)


@pytest.mark.parametrize(
    "summary",
    [
        "Ketamine blocks NMDA receptors and helped 40% of patients.",
        "The 2019 trial at McLean found that 6 infusions helped.",
        "Rivera measured growth over 24 hours in 1200 people.",
        "However, Spravato is esketamine as a nasal spray.",
        "BDNF-driven growth was measured by Dr. Rivera's team.",
    ],
)
def test_summaries_that_name_only_what_the_post_names_pass(summary):
    assert fallback_reason(summary, CHECKED_POST) is None


@pytest.mark.parametrize(
    ("summary", "kind", "items"),
    [
        ("In 2020, ketamine helped 55 percent of patients.", "numbers", ["2020", "55"]),
        ("Seven infusions helped over twenty-five hours.", "numbers", ["Seven", "twenty-five"]),
        ("Dr. Okafor found that ketamine blocks NMDA receptors.", "names", ["Okafor"]),
        ("Ketamine works better than ECT at McLean.", "names", ["ECT"]),
        ("Patients also took lithium and sertraline.", "drug names", ["lithium", "sertraline"]),
        ("Ketamine outperformed quetiapine and Zoloft.", "drug names", ["quetiapine", "Zoloft"]),
    ],
)
def test_summaries_naming_what_the_post_does_not_fail_with_the_words(summary, kind, items):
    assert unsupported_details(summary, CHECKED_POST)[kind] == items
    reason = fallback_reason(summary, CHECKED_POST)
    assert f"{kind} absent from the post: {', '.join(items)}" in reason


def test_an_empty_summary_fails_the_check():
    assert fallback_reason("  ", CHECKED_POST) == "the model wrote nothing"


# --- the abstractive summarizer, with tiny random models built here ---------------------------

def tiny_tokenizer():
    """A byte-level BPE tokenizer trained on this file's posts: a real tokenizer, built offline."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE(unk_token="<unk>"))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=800, special_tokens=["<pad>", "<s>", "</s>", "<unk>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    bpe.train_from_iterator([REWIRING_POST, LONG_POST, SHORT_POST, TRAP_POST, INSTRUCTION], trainer)
    return PreTrainedTokenizerFast(tokenizer_object=bpe, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
                                   unk_token="<unk>")


def writes_only(model, tokenizer, text: str):
    """Random weights write anything; suppressing every token but those of `text` (through the
    model's own generation config, which the summarizer honours) decides what kind of thing."""
    allowed = set(tokenizer.convert_tokens_to_ids(tokenizer.tokenize(text)))
    model.generation_config.suppress_tokens = [i for i in range(len(tokenizer)) if i not in allowed]


def save_tiny(model, tokenizer, path):
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return str(path)


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory):
    """A seq2seq model (BART) that writes plain words of the posts, and a causal one (GPT-2)
    that writes only numbers no post has (of the digits 2 and 4); both with short contexts (64 and 160 tokens:
    the causal one's prompt, issue 14's focus, takes 103 of its tokens)."""
    from transformers import (
        BartConfig,
        BartForConditionalGeneration,
        GPT2Config,
        GPT2LMHeadModel,
    )

    threads = torch.get_num_threads()
    # Intra-op threads only add synchronisation to models this small (and stall on a busy machine).
    torch.set_num_threads(1)
    torch.manual_seed(0)
    tokenizer = tiny_tokenizer()
    root = tmp_path_factory.mktemp("tiny-models")
    special = dict(pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
                   eos_token_id=tokenizer.eos_token_id)
    bart = BartForConditionalGeneration(BartConfig(
        vocab_size=len(tokenizer), d_model=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, max_position_embeddings=64,
        decoder_start_token_id=tokenizer.eos_token_id, forced_bos_token_id=None, forced_eos_token_id=None, **special,
    ))
    writes_only(bart, tokenizer, " neurons grow new connections")
    gpt = GPT2LMHeadModel(GPT2Config(vocab_size=len(tokenizer), n_positions=160, n_embd=16, n_layer=1, n_head=2,
                                     **special))
    writes_only(gpt, tokenizer, "42")
    yield SimpleNamespace(seq2seq=save_tiny(bart, tokenizer, root / "tiny-bart"),
                          causal=save_tiny(gpt, tokenizer, root / "tiny-gpt"), root=root)
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def seq2seq(tiny_models, summarizer):
    return AbstractiveSummarizer(tiny_models.seq2seq, max_new_tokens=8, batch_size=2, fallback=summarizer)


@pytest.fixture(scope="module")
def causal(tiny_models, summarizer):
    return AbstractiveSummarizer(tiny_models.causal, max_new_tokens=6, batch_size=3, fallback=summarizer)


def test_a_summary_that_passes_the_check_is_the_models_own(seq2seq):
    (result,) = seq2seq.summarize_many([REWIRING_POST])
    assert result.fallback_reason is None
    assert result.text and set(result.text.split()) <= {"neurons", "grow", "new", "connections"}


def test_a_summary_naming_what_the_post_does_not_is_replaced_by_the_extractive_one(causal, summarizer):
    results = causal.summarize_many([SHORT_POST, REWIRING_POST])
    for post, result in zip([SHORT_POST, REWIRING_POST], results):
        assert result.text == summarizer.summarize(post)
        assert re.fullmatch(r"numbers absent from the post: [24]+(, [24]+)*", result.fallback_reason)


def test_long_posts_are_cut_into_chunks_of_whole_sentences_that_fit(seq2seq, causal):
    sentences = [s.text for s in split_sentences(LONG_POST)]
    for model in (seq2seq, causal):
        chunks = model.chunks(LONG_POST)
        assert len(chunks) > 5
        assert all(model.prompt_length(chunk) <= model.input_limit for chunk in chunks)
        assert " ".join(chunks).split() == " ".join(sentences).split()
        # A sentence is cut only when it does not fit a chunk on its own.
        whole = [s for s in sentences if model.fits(s)]
        assert len(whole) > len(sentences) / 2
        assert all(any(s in chunk for chunk in chunks) for s in whole)


def test_a_sentence_longer_than_a_chunk_is_cut_at_words():
    def fits(text):
        return len(text.split()) <= 4
    chunks = chunk_sentences(["One two.", "three four five six seven eight nine.", "Ten."], fits)
    assert chunks == ["One two.", "three four five six", "seven eight nine.", "Ten."]
    assert chunk_sentences(["x" * 40], lambda text: len(text) <= 10) == ["x" * 10] * 4


def test_chunks_of_every_post_are_generated_together_in_batches(seq2seq, monkeypatch):
    batches = []
    generate_batch = seq2seq.generate_batch

    def recording(prompts):
        batches.append(len(prompts))
        return generate_batch(prompts)

    monkeypatch.setattr(seq2seq, "generate_batch", recording)
    posts = [LONG_POST, SHORT_POST, REWIRING_POST]
    chunks = sum(len(seq2seq.chunks(post)) for post in posts)
    together = seq2seq.summarize_many(posts)
    assert max(batches) == seq2seq.batch_size
    # The first round takes every chunk of every post; later rounds summarize the chunk summaries.
    assert sum(batches) > chunks >= len(posts)
    assert together == [seq2seq.summarize_many([post])[0] for post in posts]


def test_causal_prompts_use_the_chat_template_when_the_tokenizer_has_one(tiny_models, summarizer, tmp_path):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_models.causal)
    tokenizer.chat_template = (
        "{% for m in messages %}<s>{{ m['role'] }}: {{ m['content'] }}</s>{% endfor %}"
        "{% if add_generation_prompt %}<s>assistant:{% endif %}"
    )
    from transformers import AutoModelForCausalLM

    chat = save_tiny(AutoModelForCausalLM.from_pretrained(tiny_models.causal), tokenizer, tmp_path / "chat")
    model = AbstractiveSummarizer(chat, max_new_tokens=4, fallback=summarizer)
    prompt = model.prompt("Ketamine grows synapses.")
    assert prompt.startswith(f"<s>user: {INSTRUCTION}") and prompt.endswith("<s>assistant:")
    # The focus of the extractive summaries (issue 14): ketamine named, its effect, speed, duration and safety.
    assert all(words in prompt for words in ("ketamine", "brain", "how fast", "how long", "how safe"))
    # The template's <s> are in the text, so the tokenizer must not add its own as well.
    assert model.encode([prompt])["input_ids"][0].count(tokenizer.bos_token_id) == 2
    assert model.summarize_many([SHORT_POST])[0].fallback_reason.startswith("numbers absent")


def test_abstractive_summarizer_describes_itself(seq2seq, tiny_models, summarizer):
    assert (seq2seq.method, seq2seq.model) == ("abstractive", "tiny-bart")
    assert seq2seq.model_revision == files_digest(weight_files(tiny_models.seq2seq))
    params = seq2seq.params
    assert params["max_new_tokens"] == 8 and params["device"] == "cpu" and params["do_sample"] is False
    assert params["max_input_tokens"] == 64
    assert params["fallback"]["model"] == summarizer.model
    assert params["fallback"]["model_revision"] == summarizer.model_revision


def test_a_model_with_no_room_for_a_post_is_refused(tiny_models, summarizer):
    with pytest.raises(ValueError, match="leaves no room"):
        AbstractiveSummarizer(tiny_models.causal, max_new_tokens=120, fallback=summarizer)


def test_batch_runner_stores_abstractive_summaries_with_the_fallback_reason(clinic, causal, seq2seq):
    assert summarize_pending(clinic.db, causal, progress=False) == 3
    rows = summary_rows(clinic.db, "tiny-gpt")
    assert all(row["method"] == "abstractive" and row["fallback_reason"].startswith("numbers absent") for row in rows)
    assert json.loads(rows[0]["params"])["fallback"]["method"] == "extractive"
    assert summarize_pending(clinic.db, causal, progress=False) == 0
    assert summarize_pending(clinic.db, seq2seq, progress=False) == 3
    assert all(row["fallback_reason"] is None for row in summary_rows(clinic.db, "tiny-bart"))


def test_cli_summarizes_with_an_abstractive_model(clinic, tiny_models, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # as in tiny_models: threads only slow a model this small
    db_path = clinic.db.conn.execute("PRAGMA database_list").fetchone()[2]
    missing = clinicwatch("summarize", "--db", db_path, "--summarizer", "abstractive", check=False)
    assert missing.returncode == 2 and "needs --model" in missing.stderr
    result = clinicwatch("summarize", "--db", db_path, "--summarizer", "abstractive", "--model", tiny_models.seq2seq)
    assert "summaries written: 3 (abstractive, tiny-bart)" in result.stdout
    assert "Loading weights" not in result.stderr
    assert len(summary_rows(clinic.db, "tiny-bart")) == 3
