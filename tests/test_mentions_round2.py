"""Mentions rules `mentions-6` (round 2): the kinds of error found in heldout2 and the labelling
conventions of bench/mentions.py's guide, each tested on sentences written for this file. The
real sentences the rules are measured on are not copied here.
"""

import pytest

from pipeline.mentions import sentence_mentions


def labels(sentence: str) -> set[str]:
    return {f"{category}:{concept}" for category, concept, _ in sentence_mentions(sentence)}


NOT_MENTIONS = [
    # An approval withdrawn since, or given by an insurer or to a patient; not the FDA's to a drug.
    ("Dozens of drugs that were once FDA approved were later withdrawn for safety reasons.", "claim:fda_approval"),
    ("Several painkillers, FDA-approved in the 1990s, have since been pulled from pharmacies.", "claim:fda_approval"),
    ("Once your insurance is approved for the nasal spray, we will schedule you.", "claim:fda_approval"),
    ("Patients are approved for treatment after a medical evaluation.", "claim:fda_approval"),
    ("Most clients are approved for financing within a day.", "claim:fda_approval"),
    ("Our clinic is approved for Medicare billing.", "claim:fda_approval"),
    ("The center is approved as a treatment site for the spray.", "claim:fda_approval"),
    ("Ketamine has rapid and dangerous effects when abused.", "claim:rapid_relief"),
    ("Some people have quick and severe side effects.", "claim:rapid_relief"),
    ("Meet our team: Smith MD, Jones RN.", "citation:study"),
    # Nothing gave it; a purpose or a hypothesis, not a result.
    ("She tried four medications, but nothing gave her lasting relief.", "claim:lasting_effects"),
    ("Infusions might be considered for severe cases to obtain rapid improvement.", "claim:rapid_relief"),
    ("Such compounds are hypothesized to produce long-lasting benefits.", "claim:lasting_effects"),
    # A class of drugs named by its speed; an anaesthetic's onset in a sentence about surgery.
    ("Rapid-acting antidepressants, ketamine among them, raise glutamate release.", "claim:rapid_relief"),
    ("Unlike older drugs, fast-acting medications like this one change synapse numbers.", "claim:rapid_relief"),
    ("Surgeons liked it in field hospitals for its rapid onset and short duration of action.", "claim:rapid_relief"),
    # Effects that last hours; a harm that lasts; side effects that last.
    ("The relief from one dose can last for as little as a few hours.", "claim:lasting_effects"),
    ("Long-lasting side effects are uncommon but possible.", "claim:lasting_effects"),
    ("The side effects of the spray can last up to two hours.", "claim:lasting_effects"),
    # A rating scale's name is not its condition.
    ("Scores on the Hamilton Depression Rating Scale fell.", "condition:depression"),
    ("We used the Beck Scale for Suicidal Ideation at every visit.", "condition:suicidal_thoughts"),
    ("The State-Trait Anxiety Inventory was given at baseline.", "condition:anxiety"),
    # Synapses lost, or spines that make up synapses: not synaptogenesis.
    ("Those new synapses are fragile and are lost within two weeks.", "mechanism:synaptogenesis"),
    ("Spines are the small knobs that form the synapses between cells.", "mechanism:synaptogenesis"),
    # A reference's journal line names the journal, not a study; places are not authors; nor is a corresponding author.
    ("Brain Res. Bull. 2011, 84(3), 221", "citation:study"),
    ("Science 2009, 312: 101-105.", "citation:study"),
    ("Clinics in Dallas TX, Austin TX, and Tulsa OK.", "citation:study"),
    ("Corresponding author: Jane Q Roe, Department of Psychiatry.", "citation:study"),
    ("Our office is at 12 Oak Pike E, Suite H-4, Springfield.", "citation:study"),
    ("Open on Step 3: 100 forms to sign.", "citation:journal"),
    ("Room Booking 2019; 4 rooms free.", "citation:journal"),
    # Not a reduction of relapse: a hope that something else may prevent it.
    ("Memory work may offer a way to prevent relapse.", "claim:lasting_effects"),
]

MENTIONS = [
    # Approval: expanded, received, or a drug "approved for" a use or in a year, the FDA unnamed.
    ("Last year the FDA expanded its approval to teenagers.", "claim:fda_approval"),
    ("The spray has received FDA approval for major depression.", "claim:fda_approval"),
    ("The nasal spray is approved for adults who tried two antidepressants.", "claim:fda_approval"),
    ("It was approved in 1970 as an anesthetic.", "claim:fda_approval"),
    # Few side effects in other words.
    ("It has been safely used in clinics for fifty years.", "claim:few_side_effects"),
    ("At these doses there is minimal risk of respiratory problems.", "claim:few_side_effects"),
    ("Clinics chose it for its proven safety.", "claim:few_side_effects"),
    ("It is an extremely safe medicine.", "claim:few_side_effects"),
    ("You stay awake, without systemic side effects.", "claim:few_side_effects"),
    # Lasting effects in other words.
    ("The benefits to mood can last up to three weeks.", "claim:lasting_effects"),
    ("The effects of one infusion usually last about ten days.", "claim:lasting_effects"),
    ("Many clients report longer periods of relief.", "claim:lasting_effects"),
    ("Some patients remain symptom-free for months.", "claim:lasting_effects"),
    ("The benefits can be lasting after a short series.", "claim:lasting_effects"),
    ("The drug is effective in maintaining mood benefits over a year.", "claim:lasting_effects"),
    ("It showed sustained (up to a week) antidepressant effects.", "claim:lasting_effects"),
    ("Infusions gave longer lasting mood effects than the spray.", "claim:lasting_effects"),
    # Rapid relief in other words.
    ("Trials showed rapid and marked improvement in mood.", "claim:rapid_relief"),
    ("The clinic offered quick and real results.", "claim:rapid_relief"),
    ("It can give faster symptom relief than pills.", "claim:rapid_relief"),
    ("Ketamine can quickly and markedly lift the weight of depression.", "claim:rapid_relief"),
    ("Many people feel improvement in mood within a few days.", "claim:rapid_relief"),
    ("Some notice symptom improvement as early as three hours after a dose.", "claim:rapid_relief"),
    ("It can produce antidepressant effects in the first 24 hours.", "claim:rapid_relief"),
    ("Most patients see a reduction in their depressive symptoms after only two infusions.", "claim:rapid_relief"),
    ("Improvements often begin several hours later.", "claim:rapid_relief"),
    ("It can help people recover more quickly than with pills alone.", "claim:rapid_relief"),
    ("Ketamine, a rapid-acting antidepressant, raises glutamate release.", "claim:rapid_relief"),
    ("Because of its rapid onset, it has strong antidepressant effects.", "claim:rapid_relief"),
    ("That surge helps explain the rapid and robust relief patients report.", "claim:rapid_relief"),
    # A success rate of a treatment said to work in a share of patients; a figure of a population.
    ("Infusions are proven to treat depression in up to 60% of patients.", "claim:success_rates"),
    ("About 65% of the patients we see are going to respond well.", "claim:success_rates"),
    # Conditions: spelling variants, pain syndromes, rating scales beside a real mention.
    ("It treats treatment- resistant depression.", "condition:treatment_resistant_depression"),
    ("It treats treatment resistance depression.", "condition:treatment_resistant_depression"),
    ("Infusions can help several pain syndromes.", "condition:chronic_pain"),
    ("It is used for refractory chronic migraine.", "condition:chronic_pain"),
    ("Nerve pain from diabetes can respond to infusions.", "condition:chronic_pain"),
    ("Depressed mood was scored on the Hamilton Depression Rating Scale.", "condition:depression"),
    ("Is ketamine effective for depression?", "condition:depression"),
    # Mechanisms.
    ("The drug helps the brain form new neural pathways.", "mechanism:synaptogenesis"),
    ("Ketamine works to restore these connections.", "mechanism:synaptogenesis"),
    ("Fast antidepressants increase synaptic connections.", "mechanism:synaptogenesis"),
    ("This leads to new spine synapse formation.", "mechanism:dendrites"),
    ("This leads to new spine synapse formation.", "mechanism:synaptogenesis"),
    ("They rebuilt connections between neurons that were lost during stress.", "mechanism:synaptogenesis"),
    # Citations: reference lines, authors, a journal named in capitals, a year and research.
    ("Acta Psychiatr Scand 2019;13(2):31-36.", "citation:journal"),
    ("Neurology Reports 3:1901", "citation:journal"),
    ("Brain Research Bulletin volume 12, Article number: 5 (2021)", "citation:journal"),
    ("a Lancet-sponsored commission on mood disorders", "citation:journal"),
    ("The Journal of PAIN Research published it.", "citation:journal"),
    ("Cite as: Roe JQ, Doe A. A trial of infusions in mood disorders.", "citation:study"),
    ("authors: Roe, Jane; Doe, John title: A trial", "citation:study"),
    ("In 2011, a surgical journal published research on infusions in burn units.", "citation:study"),
    ("Brain Res. Bull. 2011, 84(3), 221", "citation:journal"),
    # A phone number with its country's code.
    ("Phone: +44 2079460000, email below.", "call_to_action:phone"),
]


@pytest.mark.parametrize("sentence, wrong", NOT_MENTIONS)
def test_mentions_6_reasons_a_match_is_not_a_mention(sentence, wrong):
    assert wrong not in labels(sentence)


@pytest.mark.parametrize("sentence, concept", MENTIONS)
def test_mentions_6_finds_the_mention(sentence, concept):
    assert concept in labels(sentence)


# mentions-7: "may", "might" and "could" state a possibility, not a claim (the labelling guide), while
# "can" states an ability and stays one. Each pair differs only in the modal.
MODAL_PAIRS = [
    ("Ketamine {} ease depression within two hours.", "claim:rapid_relief"),
    ("Relief from a series of infusions {} last for months.", "claim:lasting_effects"),
    ("Benefits {} last for several weeks after the last infusion.", "claim:lasting_effects"),
]


@pytest.mark.parametrize("template, concept", MODAL_PAIRS)
@pytest.mark.parametrize("modal", ["may", "might", "could"])
def test_a_possibility_is_not_a_claim(template, concept, modal):
    assert concept not in labels(template.format(modal))


@pytest.mark.parametrize("template, concept", MODAL_PAIRS)
def test_an_ability_is_a_claim(template, concept):
    assert concept in labels(template.format("can"))
