"""Round 4 of issue 14: more kinds of sentence that lean on the one before (pipeline.sentences.depends_on_previous),
as the labellers' instructions name them, and a summary never holding one without its antecedent. Every text
here was written for these tests."""

from __future__ import annotations

import pytest

from pipeline.sentences import depends_on_previous, is_candidate, split_sentences
from summaries.extractive import pieces


@pytest.mark.parametrize("text", [
    # an ordinal opening a point of a list the sentence before announced
    "First, about a third of patients never respond to the usual antidepressants.",
    "Second: the older medications can take two months to make a difference.",
    # "however", "therefore" ... among the first words: a contrast or consequence of the sentence before
    "Ketamine, however, lifts mood within a day in many of these patients.",
    "The infusion alone however cannot replace the work done in therapy sessions.",
    "Patients therefore rest in the clinic for an hour after each session.",
    # an introductory clause before "the improvement", "the effects" ...: of what?
    "In a few cases, the improvement arrives before the end of the first infusion.",
    "After the second week, the effects usually settle into a steady pattern.",
    # "the X of the drug": which drug?
    "The oral form of the drug is easier to take at home, but absorption varies.",
    # a definite reference to a picture
    "After six sessions, the scan looks much like the healthy picture on the left.",
    "The second image shows dendrites that grew back within a single day.",
    # something mentioned earlier
    "The receptors mentioned earlier are blocked for only a few hours.",
    "As noted, most side effects pass within an hour of the infusion.",
    # "Yes."/"No." answering a question
    "Yes \u2014 most insurance plans cover the nasal spray when two medications have failed.",
    # a comparison with what came before
    "Oftentimes patients want a more detailed talk with the physician before they start.",
    # a fragment the splitter cut from a longer sentence, or a list item in lower case
    "will usually benefit from a series of six infusions over two weeks.",
    "\u2022 nausea that passes within an hour of the session ends",
])
def test_round_4_kinds_lean_on_the_sentence_before(text):
    assert depends_on_previous(text)


@pytest.mark.parametrize("text", [
    "Ketamine offers relief within hours, while older antidepressants take weeks.",
    "Unlike SSRIs, ketamine offers a more rapid response for most patients.",
    "In a 2020 study, the results showed relief within a day for most patients.",
    "Firstborn children were no more likely to respond than their siblings.",
    "ketamine lifts mood within hours for many patients with depression.",
    "The bigger picture is that ketamine opened a new line of research.",
    "Nobody expected the infusions to work as quickly as they did in the trial.",
    "Esketamine is given as a nasal spray under supervision in a certified clinic.",
])
def test_round_4_leaves_sentences_that_stand_alone(text):
    assert not depends_on_previous(text)


def test_a_sentence_contrasting_with_the_one_before_comes_with_it_or_not_at_all():
    post = ("Most antidepressants raise serotonin over several weeks of daily doses. "
            "Ketamine, however, acts on glutamate and lifts mood within a day. "
            "First, it blocks NMDA receptors on inhibitory neurons in the cortex.")
    candidates = [s for s in split_sentences(post) if is_candidate(s)]
    assert pieces(candidates) == [[0], [0, 1], [0, 1, 2]]
