"""Mentions rules `mentions-10` (round 5): the kinds of error found in heldout5 (a fifth labeller's
sentences, tuned on since) and the concepts of that labeller's guide the rules lacked (addiction,
eating disorders, a consultation; migraine as chronic pain), tested on sentences written for this
file. The real sentences the rules are measured on are not copied here.
"""

import pytest

from bench.mentions import in_guide
from pipeline.mentions import sentence_mentions

NOT_MENTIONS = [
    # A small share, of those another treatment helps, is no success rate of the treatment.
    ("Standard pills work for some, yet only 25% of patients on them reach full remission.", "claim:success_rates"),
    ("Fewer than one in five patients recover with talk therapy alone.", "claim:success_rates"),
    # What a trial is to find out is not claimed: an aim's reach goes on over its clause.
    ("A new trial will run for two years to determine the value of infusions as a headache cure with minimal "
     "side effects.", "claim:few_side_effects"),
    # Alcohol, eating or a drug's risk alone is no condition.
    ("Please avoid alcohol and eating for six hours before your visit.", "condition:addiction"),
    ("Please avoid alcohol and eating for six hours before your visit.", "condition:eating_disorders"),
    ("At these doses the risk of addiction is very low.", "condition:addiction"),
    ("Like any sedative, it has some abuse potential.", "condition:addiction"),
    ("The clinic bills in AUD 450 per session.", "condition:addiction"),
    ("Patients arriving at emergency departments (EDs) wait for hours.", "condition:eating_disorders"),
    # A researcher funded by an institute names no study; a condition's initials before "Study" are no study's name.
    ("Since 2016, Dr. Reyes has been funded by the National Institute of Health.", "citation:study"),
    ("Our PTSD Study Guide explains the basics.", "citation:study"),
    # A number of another kind is no phone; a consultation only wished for is not offered.
    ("The dose was 0.5 mg per kg over 40 minutes.", "call_to_action:phone"),
    ("If you need a consultation with a surgeon, your doctor will arrange it.", "call_to_action:consultation"),
]

MENTIONS = [
    # The fifth labeller's guide: substance use and eating disorders, by their names.
    ("We treat depression, anxiety and substance use disorders.", "condition:addiction"),
    ("Alcohol use disorder affects millions of adults.", "condition:addiction"),
    ("Alcoholism often runs alongside depression.", "condition:addiction"),
    ("Many of our clients are recovering from opioid dependence.", "condition:addiction"),
    ("Heavy drinking is a leading cause of early death.", "condition:addiction"),
    ("Infusions cut drinking days among adults with moderate AUD.", "condition:addiction"),
    ("Is ketamine helpful for eating disorders?", "condition:eating_disorders"),
    ("Early reports concern anorexia nervosa and bulimia.", "condition:eating_disorders"),
    ("Binge\u2011eating disorder is the most common of them.", "condition:eating_disorders"),
    ("Few trials have studied EDs so far.", "condition:eating_disorders"),
    # Migraine and cluster headaches are chronic pain, in the guide.
    ("Infusions can ease migraine attacks.", "condition:chronic_pain"),
    ("It has also been used for cluster headaches.", "condition:chronic_pain"),
    # Treatment-resistant depression by other spellings.
    ("It is offered for medication-resistant depression.", "condition:treatment_resistant_depression"),
    ("The treatment-resistent depression market has grown fast.", "condition:treatment_resistant_depression"),
    # Citations: a study by its funder or its name, a review by its year, a case series by its month and year,
    # a trial conducted by experts from a university.
    ("Funded by the Brainwell Foundation, the trial will test infusions in older adults.", "citation:study"),
    ("The study, funded by the Ministry of Health, enrols 200 adults.", "citation:study"),
    ("The second arm, the BRIGHTPATH Trial, will enrol inpatients.", "citation:study"),
    ("This review (2021) sums up the current evidence.", "citation:study"),
    ("A March 2018's case series reported fewer headache days.", "citation:study"),
    ("A trial conducted by doctors from Lakeside University is under way.", "citation:study"),
    ("The work is being trialled by researchers from Northfield College.", "citation:study"),
    # Calls to action: a national number after "phone", an invitation to a consultation, free or not.
    ("Write to us, or phone 01632 960 123.", "call_to_action:phone"),
    ("Schedule and attend an initial consult with our physician.", "call_to_action:consultation"),
    ("Call us to set up a free discovery call.", "call_to_action:consultation"),
    ("Call us to set up a free discovery call.", "call_to_action:free_consultation"),
    ("Book your evaluation online today.", "call_to_action:consultation"),
    # The crisis line's spelled-out number, in a rule of its own since mentions-10.
    ("Text or call 9-8-8 any time.", "call_to_action:phone"),
    ("Call (555) 201-3344 to talk to our team.", "call_to_action:phone"),
]


@pytest.mark.parametrize("sentence, concept, mentioned",
                         [(sentence, concept, False) for sentence, concept in NOT_MENTIONS]
                         + [(sentence, concept, True) for sentence, concept in MENTIONS])
def test_mentions_10_tells_a_mention_from_what_is_not_one(sentence, concept, mentioned):
    found = {f"{category}:{name}" for category, name, _ in sentence_mentions(sentence)}
    assert (concept in found) is mentioned


def test_a_year_gated_rule_still_runs_on_a_sentence_with_a_year_and_not_without_one():
    assert ("citation", "study", "a 2019 study") in sentence_mentions("In a 2019 study, most patients improved.")
    assert not [m for m in sentence_mentions("In a 201 study, most patients improved.") if m[1] == "study"]


def test_the_bench_scores_a_concept_only_on_the_splits_whose_guide_asked_for_it():
    assert not in_guide("heldout4", "condition:addiction")
    assert in_guide("heldout5", "condition:addiction")
    assert in_guide("heldout6", "call_to_action:consultation")
    assert not in_guide("heldout5", "call_to_action:free_consultation")
    assert in_guide("dev", "call_to_action:free_consultation")
    assert in_guide("heldout2", "condition:depression") and in_guide("heldout5", "condition:depression")
