"""Round 6 of issue 14: the kinds of sentence leaning on the one before that the fourth labeller marked and the
detector missed (pipeline.sentences.DEPENDS_ON_PREVIOUS_ROUND6), and the standalone sentences it must leave alone.
Every text here was written for these tests."""

from __future__ import annotations

import pytest

from pipeline.sentences import depends_on_previous, is_candidate, split_sentences
from summaries.extractive import pieces


@pytest.mark.parametrize("text", [
    # a personal pronoun among the first words: who?
    "By the spring he could no longer get out of bed before noon.",
    "Within a month she was sleeping through the night again.",
    # a connective that is no adverb in -ly
    "Together, the two steps let neurons rebuild the links that stress wore down.",
    "By doing so, the infusion gives the brain a window in which new habits form faster.",
    # a verbless fragment opening on "Not"
    "Not as the first option, but once two medications have failed.",
    # "that" pointing back after a preposition
    "Patients who feel uneasy with that feeling can ask the nurse to slow the drip.",
    "Most clinics add a booster infusion at that stage of the treatment.",
    # "the other" / "the latter": which?
    "The nasal spray works within hours until the other medication starts to act.",
    "Most clinics prefer the latter for patients who fear needles.",
    # a comparison whose standard is absent
    "The nasal spray acts in a similar way, though its dose is fixed by the maker.",
    # a definite abstract subject
    "The intention is to bridge the weeks before a daily antidepressant takes effect.",
    "The journey takes about an hour and is followed by a talk with the therapist.",
    # a list item whose predicate lacks its subject (given in the list's intro)
    "Sleep Problems: Improves rest within the first week for many patients.",
    "Chronic Pain & Fatigue: Eases the ache that keeps people from moving.",
    # "also" among the first seven words adds to what came before
    "Low doses of ketamine have also eased chronic pain in several trials.",
    "Ketamine can also raise blood pressure and heart rate for about an hour.",
])
def test_round_6_kinds_lean_on_the_sentence_before(text):
    assert depends_on_previous(text)


@pytest.mark.parametrize("text", [
    # "Rather than X, Y" compares within the sentence
    "Rather than raising serotonin, ketamine acts on glutamate within hours.",
    # a pronoun whose person the sentence itself names
    "A patient who feels dizzy should tell the nurse before she stands up.",
    # "not only" and "not everyone" state something on their own
    "Not everyone responds to ketamine, but most patients feel some relief.",
    # "that" as a conjunction after a preposition, and "the other hand"
    "Ketamine is unusual in that it acts on glutamate rather than serotonin.",
    "Ketamine lifts mood quickly; on the one side it is safe, on the other hand it needs supervision.",
    # a comparison whose standard the sentence names
    "Esketamine acts in a similar way to ketamine, since it is one half of the molecule.",
    # a definite phrase defined where it stands, and a list item with its own subject
    "The purpose of the first infusion is to find the dose that each patient tolerates.",
    "Side Effects: Patients may feel dizzy for an hour after the infusion.",
    # "also known as" names, it does not add
    "Esketamine, also known as Spravato, is a nasal spray approved for depression.",
    "Ketamine not only lifts mood within hours but also reduces thoughts of suicide.",
])
def test_round_6_leaves_sentences_that_stand_alone(text):
    assert not depends_on_previous(text)


def test_a_summary_takes_a_round_6_sentence_only_with_the_one_before():
    post = ("Ketamine blocks NMDA receptors and sets off a surge of glutamate in the cortex. "
            "Together, the two steps let neurons rebuild the links that chronic stress wore down. "
            "Within a month of the first infusion, most patients in the case series were sleeping well again.")
    candidates = [s for s in split_sentences(post) if is_candidate(s)]
    assert pieces(candidates) == [[0], [0, 1], [2]]
