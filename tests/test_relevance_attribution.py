"""Issue 13, second round: who a brain change belongs to, in the ways clinic pages write it
(pipeline/brain_claims.py, pipeline/claim_encoder.py, pipeline/relevance.py). Texts written for
these tests."""

import pytest

from pipeline.brain_claims import find_claims, lines_of, reference_owners
from pipeline.claim_encoder import candidates
from pipeline.relevance import THRESHOLD, assess_relevance, explanation


@pytest.mark.parametrize("text", [
    "Ketamine infusions are offered for chronic pain. The way ketamine eases pain is not fully known, but "
    "ketamine is thought to calm overactive nerves. It may also promote the growth of new nerve cells.",
    "Ketamine and LSD in the lab. Here we show that ketamine and LSD promote sustained growth of cortical neurons in "
    "culture, and ketamine did so after a short exposure.",
    "Ketamine infusions at our clinic. Researchers say ketamine can spark neuron growth in the prefrontal cortex.",
])
def test_growth_of_nerve_cells_in_plain_words_is_a_brain_change(rule_only, text):
    result = assess_relevance("", text)
    assert result.is_relevant, explanation(result)


def test_a_role_in_causing_a_change_is_a_claim_but_a_role_in_plasticity_is_background(rule_only):
    claim = ("Our clinic offers ketamine. Ketamine and psychedelics play a central role in unlocking the brain's "
             "capacity for change.")
    background = "Our clinic offers ketamine. The NMDA receptor plays a central role in synaptic plasticity."
    assert assess_relevance("", claim).is_relevant
    assert not find_claims(background)
    assert not assess_relevance("", background).is_relevant


KEY_POINTS = """Psilocybin vs ketamine for depression

Key points

  • Psilocybin and ketamine are both studied for hard-to-treat depression.

  • Both substances can increase neuroplasticity.

  • Psilocybin is not approved yet, ketamine is, and psilocybin trials go on."""


def test_both_substances_after_a_pair_naming_ketamine_is_a_claim_across_list_items(rule_only):
    result = assess_relevance("", KEY_POINTS)
    assert result.is_relevant
    assert [claim.via for claim in result.claims] == ["pair"]
    # Without the pair before it, "both" refers to nothing the post names with ketamine.
    unpaired = KEY_POINTS.replace("Psilocybin and ketamine are both studied", "Many people ask about options")
    assert not [claim for claim in find_claims(unpaired) if claim.via == "pair"]
    # "Both" about something other than brain change is no claim.
    logistics = "We offer ketamine and TMS. Both treatments are covered by some insurers. Both are given in our office."
    assert not assess_relevance("Ketamine and TMS", logistics).is_relevant
    # "Both" that is not the subject leaves the claim to the treatment it names.
    assert [claim.via for claim in find_claims("Ketamine at our clinic. It improves both mood and neuroplasticity.")] \
        == ["reference"]


PSILOCYBIN_SECTION = """Ketamine is given at our clinic as an infusion.

What is psilocybin?

Psilocybin comes from mushrooms. Research suggests that it promotes neuroplasticity and new connections between neurons."""


def test_it_is_the_treatment_named_last(rule_only):
    lines = lines_of(PSILOCYBIN_SECTION)
    assert reference_owners(lines)[lines.index("What is psilocybin?")] == "ketamine"
    assert reference_owners(lines)[-2] == "other"
    assert not find_claims(PSILOCYBIN_SECTION)
    assert not assess_relevance("Psilocybin and ketamine", PSILOCYBIN_SECTION).is_relevant
    # "The treatment" names the post's own treatment, whatever rival was named in between.
    treatment = ("Ketamine infusions take forty minutes. SSRIs often take six weeks to work. The treatment also "
                 "promotes neuroplasticity, helping the brain form new connections.")
    assert [claim.via for claim in find_claims(treatment)] == ["reference"]


def test_the_encoder_does_not_read_it_as_ketamine_after_a_rival_or_a_rivals_clause():
    pronoun = ["Psilocybin comes from mushrooms.", "Research suggests that it reshapes how brain regions talk to each other."]
    assert candidates(pronoun) == []
    assert candidates(["Ketamine comes from a lab.", pronoun[1]]) == [(pronoun[1], "reference")]
    # The brain words in the rival's clause: to the encoder every name is "ketamine" (normalised).
    rival_clause = "Unlike ketamine, ECT rebuilds the connections between brain cells that depression has damaged."
    assert candidates([rival_clause]) == []
    together = "Ketamine and psilocybin may both reshape how brain regions talk to each other."
    assert candidates([together]) == [(together, "sentence")]
    assert not assess_relevance("ECT or ketamine?", f"We offer ECT and ketamine.\n\n{rival_clause}").is_relevant


PAIN_PAGE = """How ketamine helps nerve pain

Ketamine infusion therapy calms overactive nerves

by blocking the signals that keep pain going. This lets the nervous system reset and form healthier connections."""


def test_a_paragraph_starting_in_lower_case_continues_the_one_before(rule_only):
    result = assess_relevance("Ketamine for nerve pain", PAIN_PAGE)
    assert result.is_relevant
    assert [claim.via for claim in result.claims] == ["context"]
    # A real paragraph break ends the context: the same sentence no longer follows a ketamine one.
    split = PAIN_PAGE.replace("\n\nby blocking", "\n\nBy blocking")
    assert not assess_relevance("Ketamine for nerve pain", split).is_relevant


def test_anesthesia_alone_does_not_halve_a_claim(rule_only):
    diary = ("My first ketamine infusion felt like light anesthesia. The doctor said the ketamine repairs the synapses "
             "that depression wore down. Ketamine anesthesia is safe at these doses.")
    assert assess_relevance("My infusion diary", diary).score >= 0.6
    harm = diary + " In young animals ketamine caused neurotoxicity and neuroapoptosis."
    assert assess_relevance("My infusion diary", harm).score < THRESHOLD


CLASS_DISCUSSED = ("Acme Health opens a residential ketamine program",
                   """Acme Health will open a one-week program for depression next spring, with TMS and exercise coaching.

Scientists now see loss of neuroplasticity, the ability of brain cells to form and regrow connections, as a cause of \
depression. Rewiring circuits and growing new synapses is what recovery looks like. That is why the program combines \
neuroplastic drugs, including ketamine, with TMS and exercise.""")


def test_a_neuroplastic_drug_named_ketamine_counts_in_a_post_that_discusses_brain_change():
    result = assess_relevance(*CLASS_DISCUSSED)
    assert result.is_relevant and THRESHOLD <= result.score <= 1
    assert [claim.via for claim in result.claims] == ["class"]
    assert any(line.startswith("  claim (rule, class): That is why the program combines") for line in explanation(result))
    # Named in passing, without the discussion, it is a label.
    title, text = CLASS_DISCUSSED
    passing = assess_relevance(title, text.split("\n\n")[0] + " It combines neuroplastic drugs, including ketamine, "
                               "with TMS.")
    assert not passing.is_relevant and not passing.claims and "brain_change" not in passing.concepts
