"""Round 5 of issue 14: a sentence leans on the one before when a definite noun phrase among its first words takes
its noun from that sentence (pipeline.sentences.refers_back; "also", read here in round 5, is read by the wording
alone since round 6: tests/test_sentences_round6.py), and a summary takes such a sentence only with the one before.
Every text here was written for these tests."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from pipeline.sentences import (
    depends_on_previous,
    is_candidate,
    refers_back,
    split_sentences,
)
from summaries.extractive import ExtractiveSummarizer, pieces


@pytest.mark.parametrize("previous, text", [
    # the definite subject's noun is named by the sentence before
    ("Inside the brain, the drug also acts on a receptor that most antidepressants never touch.",
     "The receptor sits on inhibitory neurons in the prefrontal cortex."),
    ("To test the idea, the team gave a single dose of ketamine to stressed mice.",
     "Researchers saw that the mice regained lost dendritic spines within a day."),
    ("Many clinics now offer a nasal spray as well as infusions.",
     "The spray is taken under supervision and needs two hours of observation."),
])
def test_a_definite_subject_named_in_the_sentence_before_refers_back(previous, text):
    assert refers_back(text, previous)
    assert depends_on_previous(text, previous)
    assert not depends_on_previous(text)  # the wording alone does not show it


@pytest.mark.parametrize("previous, text", [
    # the noun is not in the sentence before: the phrase introduces it
    ("Depression affects about one in five adults at some point in their lives.",
     "The clinic offers infusions on weekdays and Saturday mornings."),
    # a phrase followed by "of" is defined where it stands
    ("Ketamine has been used in hospitals for decades.",
     "The use of ketamine for depression began with a small trial in 2000."),
    # "the" later in the sentence, past the subject
    ("Ketamine acts on glutamate, the most common messenger in the brain.",
     "Ketamine quickly strengthens the connections that glutamate uses in the brain."),
    # a verb after "the": no noun phrase to take from the sentence before
    ("The infusion lasts about forty minutes.",
     "Patients rest in a reclining chair and the nurse checks blood pressure."),
])
def test_a_definite_subject_that_introduces_its_noun_stands_alone(previous, text):
    assert not refers_back(text, previous)


@pytest.mark.parametrize("text", [
    "Ketamine, on the other hand, lifts mood within a day for many patients.",
    "During the study, half of the patients received six infusions over two weeks.",
])
def test_round_5_wordings_lean_on_the_sentence_before(text):
    assert depends_on_previous(text)


@pytest.mark.parametrize("text", [
    "Early results from the study by the National Institutes showed relief within a day.",
    "In the trial published in 2006, most patients improved within a day.",
])
def test_a_study_defined_where_it_stands_does_not(text):
    assert not depends_on_previous(text)


def test_a_sentence_whose_subject_the_sentence_before_introduces_comes_with_it():
    post = ("Most antidepressants raise serotonin over several weeks of daily doses. "
            "Inside the brain, ketamine acts on a different messenger that neurons use to signal. "
            "The messenger ketamine affects is glutamate, the most common one in the cortex.")
    candidates = [s for s in split_sentences(post) if is_candidate(s)]
    assert pieces(candidates) == [[0], [1], [1, 2]]


class WordCountEncoder:
    """A stand-in encoder: a sentence's vector is made from its words, so that no model is needed."""
    name = "word-count"
    revision = None

    @property
    def runtime_params(self) -> dict:
        return {}

    def encode(self, texts):
        vectors = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                vectors[row, zlib.crc32(word.encode()) % 64] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def forget(self):
        pass


def test_a_summary_never_holds_such_a_sentence_without_the_one_before():
    post = (
        "Our clinic in the valley treats depression, anxiety and chronic pain with ketamine infusions. "
        "Most antidepressants raise serotonin over several weeks of daily doses before patients notice a change. "
        "Inside the brain, ketamine acts on a different messenger that neurons use to signal to each other. "
        "The messenger ketamine affects is glutamate, and its surge helps neurons grow new synapses within hours. "
        "Many patients with treatment-resistant depression feel relief within a day of their first infusion. "
        "Ketamine also lowers inflammation markers that often run high in people with long-lasting depression. "
        "Each infusion lasts about forty minutes, and a nurse watches blood pressure throughout the session. "
        "A series of six infusions over two or three weeks gives relief that can last for several months."
    )
    sentences = split_sentences(post)
    candidates = [s for s in sentences if is_candidate(s)]
    taken_with = [[candidates[i].position for i in piece] for piece in pieces(candidates)]
    assert [2, 3] in taken_with and [4, 5] in taken_with  # "The messenger ...", "Ketamine also ..."
    summarizer = ExtractiveSummarizer(WordCountEncoder())
    chosen = summarizer.chosen_sentences([post])[0]
    positions = {s.position for s in chosen}
    assert 3 <= len(chosen) <= 5
    for s in chosen:
        if s.position:
            assert not depends_on_previous(s.text, sentences[s.position - 1].text) or s.position - 1 in positions
