"""Issue 13, round 4 (relevance-4): the kinds of error a second labeller's texts showed, each in a
text written for these tests (pipeline/brain_claims.py, pipeline/claim_encoder.py,
pipeline/relevance.py)."""

import pytest

from pipeline.brain_claims import KETAMINE_WORD, find_claims, lines_of
from pipeline.claim_encoder import candidates
from pipeline.relevance import assess_relevance, explanation


def test_the_items_of_a_background_heading_are_background(rule_only):
    text = ("How ketamine works\n\nKetamine acts on the glutamate system, which plays a central part in:\n"
            "- Neuroplasticity (how the brain adapts and rewires)\n- Memory\n- Learning\n\n"
            "This is why ketamine may act sooner than older medications.")
    assert not find_claims(text)
    assert not assess_relevance("", text).is_relevant


@pytest.mark.parametrize("background, claim", [
    # The role of the system ketamine acts on is background.
    ("Ketamine versus older antidepressants. Ketamine acts on glutamate pathways, which regulate how neurons form "
     "new connections. Ketamine works within hours.",
     "Ketamine versus older antidepressants. Ketamine helps neurons form new connections within hours."),
    ("Ketamine and mood. Ketamine acts on glutamate, which regulates synaptic plasticity.",
     "Ketamine and mood. Ketamine regrows synapses in the prefrontal cortex, the region that regulates mood."),
    # Measured connectivity is not a change; connectivity that rises is.
    ("Ketamine and the anaesthetised brain. Figure 2: measures of directed connectivity after a dose of ketamine. "
     "Feedback connectivity in the frontal cortex.",
     "Ketamine for depression. A single infusion of ketamine increased connectivity in the prefrontal cortex."),
])
def test_background_is_not_relevant_and_the_change_is(rule_only, background, claim):
    assert not assess_relevance("", background).is_relevant
    assert assess_relevance("", claim).is_relevant


@pytest.mark.parametrize("text", [
    # Toxicity in cultured cells.
    "Ketamine in cultured cells. We grew new neurons from stem cells to test the toxic effects of ketamine on them. "
    "Ketamine toxicity rose with the dose.",
    # Imaging of the drug's recreational users.
    "Ketamine as a party drug. Ketamine is taken recreationally at clubs. Chronic ketamine users showed more grey "
    "matter in one region than controls. Connectivity between two regions was lower in ketamine users.",
])
def test_toxicity_and_findings_in_the_drugs_users_are_not_a_treatments_brain_change(rule_only, text):
    result = assess_relevance("", text)
    assert not result.is_relevant, explanation(result)


def test_how_the_brain_is_wired_is_rewiring_in_plain_words(rule_only):
    text = ("Ketamine therapy FAQ. Ketamine blocks a receptor and raises glutamate. "
            "This means ketamine has lasting effects on how the brain is wired.")
    assert assess_relevance("", text).is_relevant


def test_it_after_ketamine_in_a_comparison_post_is_ketamines_claim(rule_only):
    text = ("TMS or ketamine?\n\nTMS sends magnetic pulses. TMS takes many sessions. TMS is done while awake. "
            "TMS resets activity in one area.\n\nKetamine therapy\n\nKetamine is a medication. "
            "It appears to increase neuroplasticity.")
    result = assess_relevance("", text)
    assert result.is_relevant, explanation(result)
    assert any(claim.resolved for claim in result.claims)


def test_feeling_disconnected_is_not_a_brain_word_for_the_encoder():
    lines = lines_of("Ketamine-assisted therapy has three phases. Without integration, the experience can feel "
                     "disconnected and overwhelming.")
    assert not candidates(lines)


@pytest.mark.parametrize("text", [
    "La ketamina para la depresión. La ketamina regenera las conexiones entre las neuronas dañadas por el estrés.",
    "Cetamina na clínica. A cetamina estimula a formação de novas conexões entre os neurônios.",
    "La kétamine contre la dépression. La kétamine stimule la repousse des épines dendritiques dans le cortex.",
    "La ketamina in clinica. La ketamina favorisce la neuroplasticità e la formazione di nuove sinapsi.",
    "Ketamin gegen Depression. Ketamin fördert die Bildung neuer Synapsen und die Neuroplastizität.",
    "Ketamine bij depressie. Ketamine herstelt de verbindingen tussen zenuwcellen en vergroot de neuroplasticiteit.",
])
def test_core_claims_in_other_languages(rule_only, text):
    result = assess_relevance("", text)
    assert result.is_relevant, explanation(result)


@pytest.mark.parametrize("text", [
    # A receptor's role, in Dutch and German word order.
    "Ketamine en de hersenen. De NMDA-receptor speelt bij de synaptische plasticiteit een centrale rol.",
    "Ketamin und das Gehirn. Der NMDA-Rezeptor spielt bei der Neuroplastizität eine wichtige Rolle.",
    # The synaptic cleft is where neurons signal, not a change.
    "Hoe werkt ketamine? Zenuwcellen geven signaalstoffen af in de synaptische spleet.",
])
def test_background_in_other_languages_is_not_a_claim(rule_only, text):
    assert not assess_relevance("", text).is_relevant


def test_other_spellings_of_ketamine_but_not_acetaminophen():
    for word in ("kétamine", "Ketamin", "cetamina", "escetamina", "ketamina"):
        assert KETAMINE_WORD.search(f"La {word} est"), word
    assert not KETAMINE_WORD.search("acetaminophen and acetaminofen")
