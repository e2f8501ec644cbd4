import re
from collections import Counter

import pytest

from pipeline.relevance import (
    KETAMINE,
    PLASTICITY,
    THRESHOLD,
    assess_relevance,
    concept_counts,
)

SYNAPSE_REGROWTH = (
    "How ketamine helps a stressed brain rebuild",
    """Months of depression leave their mark on the brain. Under chronic stress, neurons in the
prefrontal cortex lose some of the synapses they use to talk to one another.

Ketamine works differently from older antidepressants. Within a day of an infusion, ketamine
triggers a release of BDNF, a growth factor that helps nerve cells regrow synapses that stress
had pruned away.

Our physicians like to say that ketamine gives the brain a chance at rewiring itself. Pairing
infusions with therapy may help the new synapses last.

Call our clinic to book a consultation.""",
)

SPRAVATO = (
    "Spravato at our clinic",
    """Spravato is the brand name of esketamine, a nasal spray approved for treatment-resistant
depression. Esketamine is given in our office under supervision.

Researchers think esketamine acts quickly because it prompts the growth of dendritic spines,
the small protrusions where synaptic connections form, in brain regions involved in mood.

Stronger neural connections between those regions may explain why many patients feel relief
within hours of a Spravato session.""",
)

PSILOCYBIN = (
    "Psilocybin and neuroplasticity: what the research says",
    """Psilocybin, the active compound in magic mushrooms, is being studied for depression.
Psilocybin appears to promote neuroplasticity: in mice a single dose of psilocybin increased
the density of dendritic spines for weeks.

Like ketamine, psilocybin may open a window for new connections. Psilocybin therapy is still
experimental, and psilocybin is not yet approved outside research settings.""",
)

INSURANCE = (
    "Does insurance cover ketamine infusions?",
    """Most insurance plans do not cover IV ketamine for depression because it is used off label.
Ketamine infusions usually cost between $400 and $800 each.

Some patients submit a superbill to their insurer for partial reimbursement of ketamine
treatment. Spravato, the nasal spray, is more often covered when other medications failed.

Ask our front desk about payment plans and HSA cards.""",
)

INSURANCE_WITH_FOOTER = (
    "Paying for ketamine treatment",
    """Most insurance plans do not cover IV ketamine for depression because it is used off label.
Ketamine infusions usually cost between $400 and $800 each, and a first series is six infusions.

Some patients submit a superbill for partial reimbursement of ketamine treatment. We accept HSA
and FSA cards and offer monthly payment plans.

Ask our front desk for a written estimate before your first ketamine appointment.

Our clinic is committed to helping every patient heal through the science of neuroplasticity.""",
)

INFUSION_DAY = (
    "Your first ketamine infusion: what to expect",
    """Arrive fifteen minutes early and eat nothing for four hours before your ketamine infusion.
A nurse checks your blood pressure and places a small IV line.

During the ketamine infusion you rest in a quiet room with an eye mask and music. Many people
feel floaty or detached; this passes soon after the ketamine stops.

You cannot drive afterwards, so arrange for someone to take you home.""",
)

TMS = (
    "TMS therapy: how magnetic pulses treat depression",
    """Transcranial magnetic stimulation (TMS) uses magnetic pulses to stimulate the prefrontal
cortex. Repeated TMS sessions strengthen neural connections and promote neuroplasticity in
circuits that regulate mood.

A course of TMS is five sessions a week for six weeks. TMS is covered by most insurance plans.
Patients who did not respond to TMS sometimes ask about ketamine, which we also offer.

TMS has few side effects; the most common is a mild headache after the first TMS sessions.""",
)

RELEVANT = [SYNAPSE_REGROWTH, SPRAVATO]
IRRELEVANT = [PSILOCYBIN, INSURANCE, INSURANCE_WITH_FOOTER, INFUSION_DAY, TMS]


def test_brain_change_without_the_word_neuroplasticity_is_relevant():
    result = assess_relevance(*SYNAPSE_REGROWTH)
    assert result.is_relevant
    assert "neuroplasticity" not in result.concepts
    assert {"ketamine", "synaptogenesis", "bdnf", "rewiring"} <= set(result.concepts)


def test_esketamine_and_spravato_count_as_ketamine():
    result = assess_relevance(*SPRAVATO)
    assert result.is_relevant
    assert "esketamine" in result.concepts
    assert "ketamine" not in result.concepts
    assert {"dendrites", "neural_connections"} <= set(result.concepts)


@pytest.mark.parametrize("post", IRRELEVANT, ids=["psilocybin", "insurance", "insurance-footer", "infusion-day", "tms"])
def test_not_relevant(post):
    result = assess_relevance(*post)
    assert not result.is_relevant
    assert 0.0 <= result.score < THRESHOLD


def test_footer_mention_is_reported_but_not_enough():
    result = assess_relevance(*INSURANCE_WITH_FOOTER)
    assert "neuroplasticity" in result.concepts
    assert not result.is_relevant


def test_competing_treatment_is_the_subject_even_with_plasticity_talk():
    psilocybin, tms = assess_relevance(*PSILOCYBIN), assess_relevance(*TMS)
    assert "neuroplasticity" in psilocybin.concepts and "ketamine" in psilocybin.concepts
    assert "neuroplasticity" in tms.concepts and "ketamine" in tms.concepts
    assert not psilocybin.is_relevant and not tms.is_relevant


@pytest.mark.parametrize("relevant", RELEVANT, ids=["synapse-regrowth", "spravato"])
@pytest.mark.parametrize("irrelevant", IRRELEVANT, ids=["psilocybin", "insurance", "insurance-footer", "infusion-day", "tms"])
def test_relevant_posts_score_above_irrelevant_ones(relevant, irrelevant):
    high, low = assess_relevance(*relevant), assess_relevance(*irrelevant)
    assert 0.0 <= low.score < high.score <= 1.0


def test_more_brain_change_discussion_raises_the_score():
    title, text = INFUSION_DAY
    with_mechanism = text + (
        "\n\nWhy does ketamine help? It boosts BDNF and the growth of new synapses, "
        "and the rewiring continues for days after the ketamine infusion."
    )
    before, after = assess_relevance(title, text), assess_relevance(title, with_mechanism)
    assert after.score > before.score
    assert after.is_relevant


def test_a_dominant_competing_treatment_lowers_the_score():
    title, text = SYNAPSE_REGROWTH
    tms_heavy = text + "\n\n" + " ".join(f"TMS fact {n}: TMS is another option." for n in range(6))
    assert assess_relevance(title, tms_heavy).score < assess_relevance(title, text).score


def test_a_single_passing_mention_of_ketamine_is_not_a_subject():
    _, text = SYNAPSE_REGROWTH
    paragraphs = text.split("\n\n")
    passing = "\n\n".join([paragraphs[0], "Ketamine is one option among many.",
                           "BDNF helps nerve cells regrow synapses and supports rewiring."])
    assert not assess_relevance("Depression and the brain", passing).is_relevant


def test_missing_title_and_empty_text():
    assert assess_relevance(None, "") == assess_relevance("", "")
    assert not assess_relevance(None, "").is_relevant
    assert assess_relevance(None, "").concepts == ()
    assert assess_relevance(None, SYNAPSE_REGROWTH[1]).is_relevant


# A financing notice of a company whose "About" section describes ketamine and plasticity.
FINANCING_NOTICE = (
    "Acme Neuro Closes $12 Million Financing to Open Five Clinics",
    """Acme Neuro Inc. announced today that it closed a $12 million financing round led by two
healthcare funds. The proceeds will pay for five new clinics in Ohio and for hiring.

"We are grateful for our investors' trust," said the chief executive. The clinics will open in 2026.

About Acme Neuro Inc.

Acme Neuro develops ketamine and esketamine therapies built on its NMDA platform. Ketamine
promotes neuroplasticity and the growth of new synapses, rewiring circuits that depression
weakens. Acme's ketamine programs target BDNF release and synaptogenesis.

Forward-Looking Statements

This release contains forward-looking statements about ketamine programs and neuroplasticity.""",
)

ONE_CLEAR_STATEMENT = (
    "Ketamine therapy at our Tacoma clinic",
    """Ketamine has been used as an anesthetic for decades, and low doses now help people with
treatment-resistant depression. Unlike older antidepressants, ketamine works by helping the brain
regrow synaptic connections that long stress has worn away.

Our infusions take about forty minutes and are monitored by a nurse throughout.""",
)

GLUTAMATE_ONLY = (
    "How ketamine works on glutamate",
    """Ketamine blocks NMDA receptors, which raises glutamate for a short time. Glutamate then acts
on AMPA receptors. Ketamine's action on glutamate is why it works within hours rather than weeks.""",
)

NEUROPLASTIC_DRUGS_IN_PASSING = (
    "Acme Neuro expands its clinic network",
    """Acme Neuro will open three clinics offering neuroplastic therapies such as ketamine and TMS.
Acme also develops ketamine formulations for hospitals and expects revenue from ketamine sales in 2026.""",
)


def test_publisher_sections_after_the_post_do_not_count():
    result = assess_relevance(*FINANCING_NOTICE)
    assert not result.is_relevant
    # What the About section says is neither scored nor reported.
    assert result.concepts == ()
    title, text = FINANCING_NOTICE
    body_only = text.split("About Acme Neuro Inc.")[0]
    assert assess_relevance(title, body_only) == result


def test_one_clear_statement_next_to_ketamine_is_enough():
    result = assess_relevance(*ONE_CLEAR_STATEMENT)
    assert result.is_relevant
    assert result.concepts == ("ketamine", "synaptogenesis")
    # The same statement in a footer, away from ketamine, is not.
    title, text = ONE_CLEAR_STATEMENT
    footer = text.replace("Unlike older antidepressants, ketamine works by helping the brain\nregrow synaptic "
                          "connections that long stress has worn away.", "")
    footer += "\n\nOur clinic helps the brain regrow synaptic connections."
    assert not assess_relevance(title, footer).is_relevant


def test_glutamate_alone_is_pharmacology_not_brain_change():
    result = assess_relevance(*GLUTAMATE_ONLY)
    assert "glutamate" in result.concepts
    assert not result.is_relevant
    title, text = GLUTAMATE_ONLY
    with_growth = text + " The glutamate surge leads to new synapses within a day."
    assert assess_relevance(title, with_growth).is_relevant


def test_neuroplastic_as_the_name_of_a_treatment_class_is_not_plasticity():
    result = assess_relevance(*NEUROPLASTIC_DRUGS_IN_PASSING)
    assert "neuroplasticity" not in result.concepts
    assert not result.is_relevant
    assert "neuroplasticity" in assess_relevance("", "Ketamine is thought to restore neuroplastic capacity.").concepts


# assess_relevance scans each lexicon once per paragraph and sums the paragraphs for the text's
# counts (pipeline.relevance._LexiconCounts). That is only the same as scanning the whole text
# while no pattern can match a line break, so no match spans a paragraph break.
LEXICONS = {"KETAMINE": KETAMINE, "PLASTICITY": PLASTICITY}


@pytest.mark.parametrize("name", LEXICONS)
def test_lexicon_patterns_never_match_a_line_break(name):
    source = LEXICONS[name].pattern
    # \s, \S, \W, \D, ".", negated classes and lookbehinds are what could reach across one.
    assert not re.search(r"\\[sSWD]|(?<!\\)\.|\[\^|\(\?<[=!]", source), f"{name} could match across a paragraph break"


@pytest.mark.parametrize("name", LEXICONS)
@pytest.mark.parametrize("post", RELEVANT + IRRELEVANT + [FINANCING_NOTICE, ONE_CLEAR_STATEMENT, GLUTAMATE_ONLY,
                                                         NEUROPLASTIC_DRUGS_IN_PASSING])
def test_counts_of_the_paragraphs_add_up_to_those_of_the_text(name, post):
    pattern, text = LEXICONS[name], post[1] + "\n\nneuroplastic\n\n drugs ketamine\n \nketamine-\n\nrewiring"
    paragraphs = re.split(r"\n\s*\n", text)
    assert sum((concept_counts(pattern, p) for p in paragraphs), Counter()) == concept_counts(pattern, text)


# Issue 13: a claim counts when the brain change is ketamine's, in whatever words.
@pytest.mark.parametrize("text", [
    "Our clinic offers ketamine infusions. Ketamine promotes the regeneration of damaged neurons and their connections.",
    "Ketamine-assisted psychotherapy (KAP) at our practice.\n\nKAP sessions are guided. The treatment helps connect brain "
    "cells that depression pulled apart, and ketamine sessions are followed by integration.",
    "Ketamine therapy at our clinic.\n\nHow ketamine works:\n- It blocks NMDA receptors\n- Encourages neuroplasticity and new connections\n"
    "Ketamine infusions last forty minutes.",
    "Psilocybin vs ketamine: both psilocybin and ketamine increase neuroplasticity. Ketamine acts within hours; "
    "psilocybin needs a guided session. Psilocybin is not legal in most states; psilocybin trials continue.",
    "KetamineMaleNeurons. Ketamine sparks new pathways in the brain: ketamine grows synaptic connections.",
])
def test_brain_change_attributed_to_ketamine_is_relevant(text):
    result = assess_relevance("", text)
    assert result.is_relevant, result
    assert result.claims


@pytest.mark.parametrize("text", [
    # The brain change is the other treatment's.
    "Ketamine vs SSRIs. SSRIs raise BDNF and repair nerve circuits over weeks. Ketamine blocks NMDA receptors. "
    "Ketamine infusions are given in our office.",
    # Background: the receptor's general role.
    "Ketamine blocks the NMDA receptor. The NMDA receptor plays a key role in synaptic plasticity. Ketamine is an anesthetic.",
    # Harm in an anaesthesia review.
    "Ketamine anesthesia in neonatal monkeys causes neurotoxicity and disturbed neural network formation. "
    "Ketamine exposure in the developing brain was studied.",
    # A psychosis model.
    "Ketamine is a model of psychosis in healthy volunteers. Ketamine induced hyperconnectivity of brain networks "
    "resembling schizophrenia. Ketamine was given by infusion.",
])
def test_brain_change_not_ketamine_s_treatment_effect_is_not_relevant(text):
    assert not assess_relevance("", text).is_relevant
