"""Issue 13, round 5 (relevance-5): the kinds of error the third and fourth labellers' texts showed,
each in a text written for these tests (pipeline/brain_claims.py, pipeline/claim_encoder.py,
pipeline/relevance.py)."""

import pytest

from pipeline import relevance
from pipeline.brain_claims import find_claims
from pipeline.relevance import assess_relevance, explanation


@pytest.mark.parametrize("text", [
    "Ketamine clinic FAQ. Ketamine raises glutamate in the brain.\nGlutamate is a neurotransmitter involved in the "
    "formation of new neural connections.",
    "Starting ketamine therapy. Ketamine blocks a receptor. This, in turn, releases glutamate, a neurotransmitter "
    "that is essential for brain plasticity and for mood.",
    "What ketamine does. Ketamine increases glutamate. Glutamate helps with the strengthening of signals between "
    "neurons in learning.",
])
def test_a_systems_general_role_is_background(rule_only, text):
    assert not find_claims(text)
    assert not assess_relevance("", text).is_relevant


def test_the_same_role_in_a_sentence_naming_ketamine_stays_a_claim(rule_only):
    text = "How ketamine helps. Ketamine may raise glutamate, a neurotransmitter involved in building new synapses."
    assert [claim.via for claim in find_claims(text)] == ["sentence"]


def test_an_events_announced_topic_is_not_a_claim(rule_only):
    text = ("Company to join a webinar. The panel will focus on neuroplasticity in brain disorders, including the use "
            "of ketamine and ketamine-like drugs.")
    assert not find_claims(text)
    assert not assess_relevance("", text).is_relevant


@pytest.mark.parametrize("sentence", [
    "The same process may explain ketamine's quick effect on depression.",
    "These effects are similar to those produced by the fast-acting antidepressant ketamine.",
])
def test_a_rivals_brain_change_said_of_ketamine_by_comparison(rule_only, sentence):
    text = ("Psilocybin in mice. A single dose of psilocybin increased dendritic spine density in the cortex. "
            "Psilocybin also raised the number of synapses. " + sentence)
    result = assess_relevance("", text)
    assert result.is_relevant, explanation(result)
    assert any(claim.sentence == sentence for claim in result.claims)


def test_without_the_comparison_a_psilocybin_text_naming_ketamine_is_not_relevant(rule_only):
    text = ("Psilocybin in mice. A single dose of psilocybin increased dendritic spine density in the cortex. "
            "Psilocybin also raised the number of synapses. Ketamine is another fast antidepressant.")
    assert not assess_relevance("", text).is_relevant


def test_one_sentence_naming_ketamine_as_the_cause_is_enough_in_a_comparison(rule_only):
    text = ("Psilocybin grows nerve connections. In mice, psilocybin grew nerve connections within a day, and "
            "psilocybin's effect lasted a month. Fast-acting drugs, including ketamine and psilocybin, may work by "
            "promoting the growth of new nerve connections.")
    result = assess_relevance("", text)
    assert result.is_relevant, explanation(result)


@pytest.mark.parametrize("text", [
    "Our ketamine FAQ. Six infusions start the brain-repairing effects of ketamine.",
    "Ketamine versus talk therapy. Ketamine resets the brain's connections within hours.",
    "How ketamine helps. The leading theory is that ketamine helps the connections between cells that govern mood "
    "regrow.",
    "Ketamine for depression. Ketamine is a catalyst for lasting neurological change.",
])
def test_plainer_words_for_brain_change(rule_only, text):
    result = assess_relevance("", text)
    assert result.is_relevant, explanation(result)


@pytest.mark.parametrize("text", [
    "Ketamine clinic of our town. Ketamine acts on NMDA receptors in your brain, giving rapid relief from "
    "depression and anxiety.",
    "Ketamine for injury. Ketamine may protect nerve cells in the brain from injury after a stroke.",
])
def test_receptor_action_and_protection_are_not_brain_change_for_the_encoder(text):
    result = assess_relevance("", text)
    assert not result.is_relevant, explanation(result)


def test_rules_version():
    assert relevance.RULES_VERSION == "relevance-5"
