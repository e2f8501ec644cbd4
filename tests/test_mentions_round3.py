"""Mentions rules `mentions-8` (round 3): the kinds of error found in heldout3 (a third labeller's
sentences, tuned on since) and the plainer wordings of the five claims that the rules missed, each
tested on sentences written for this file. The real sentences the rules are measured on are not
copied here.
"""

import pytest

from pipeline.mentions import sentence_mentions


def labels(sentence: str) -> set[str]:
    return {f"{category}:{concept}" for category, concept, _ in sentence_mentions(sentence)}


NOT_MENTIONS = [
    # An aim, a question or a wish, not a finding.
    ("The trial set out to examine the immediate effects of one infusion on mood.", "claim:rapid_relief"),
    ("Our study aims to test the rapid relief that patients describe.", "claim:rapid_relief"),
    ("Esketamine is under investigation as a fast-acting antidepressant for teens.", "claim:rapid_relief"),
    ("Ketamine was studied as a rapid-acting antidepressant in the late 1990s.", "claim:rapid_relief"),
    ("This page explains the costs, the process and how long the benefits last.", "claim:lasting_effects"),
    ("We often get asked how quickly relief comes after the first visit.", "claim:rapid_relief"),
    ("Many people are searching for something that works faster than pills.", "claim:rapid_relief"),
    ("Patients need a treatment that offers lasting relief.", "claim:lasting_effects"),
    ("One infusion can potentially provide relief within hours.", "claim:rapid_relief"),
    # Speed of the brain's change, not of relief; an adjective "last", not the verb.
    ("It works by quickly raising the release of one neurotransmitter, glutamate, in the cortex.", "claim:rapid_relief"),
    ("The effects of this drug were the subject of many papers in the last 20 years.", "claim:lasting_effects"),
    ("Side effects can last for several days in rare cases.", "claim:lasting_effects"),
    # "FDA approval" as a topic; the FDA unnamed before a list of who qualifies.
    ("FDA approval does not mean a drug is right for you.", "claim:fda_approval"),
    ("Spravato is approved for patients who:", "claim:fda_approval"),
    ("Ketamine is still awaiting FDA approval for depression.", "claim:fda_approval"),
    # Few side effects: "safe to drive", serious side effects.
    ("It is not safe to drive after a session.", "claim:few_side_effects"),
    ("Some rare but serious side effects go away only after weeks.", "claim:few_side_effects"),
    # A share of those who fail, counted.
    ("About 30% of patients do not respond to their first antidepressant.", "claim:success_rates"),
    ("Roughly 30 percent fail to respond to standard medications.", "claim:success_rates"),
    # A nation is not an institution; researchers credited with a first observation, no study named.
    ("Swiss investigators randomized 80 adults to ketamine or saline.", "citation:study"),
    ("Boston researchers first noticed the mood effect in the 1990s.", "citation:study"),
    ("Our research at Harbor Ketamine Clinic shows patients value follow-up.", "citation:study"),
    ("Dr. Lee found that most patients preferred morning appointments.", "citation:study"),
    # Names of a centre or a scale; bipolar disorder's poles and its older name.
    ("She trained at the Riverside Depression Center for five years.", "condition:depression"),
    ("Obsessions were rated with the OCD-VAS before each dose.", "condition:ocd"),
    ("Bipolar disorder, once called manic depression, has highs and lows.", "condition:depression"),
    ("People with bipolar disorder have manic and depressive episodes.", "condition:depression"),
    ("We treat TRD (treatment-resistant depression) in adults.", "condition:depression"),
]

MENTIONS = [
    # Rapid relief: felt better, the first hour, a couple of hours, effects seen or immediate.
    ("Many patients felt better the day after their first infusion.", "claim:rapid_relief"),
    ("Most people report feeling much better within the first hour.", "claim:rapid_relief"),
    ("It can bring ease in as little as a couple of hours.", "claim:rapid_relief"),
    ("The effects are seen as soon as 30 minutes after the infusion.", "claim:rapid_relief"),
    ("The benefits of ketamine are almost immediate.", "claim:rapid_relief"),
    ("For him the effect was immediate.", "claim:rapid_relief"),
    ("Patients saw a rapid reduction in depressive symptoms.", "claim:rapid_relief"),
    ("Studies show rapid anti-suicidal effects after one dose.", "claim:rapid_relief"),
    ("Trials showed relief of symptoms in 65% of patients after just one session.", "claim:rapid_relief"),
    ("Spravato can start showing effects within hours.", "claim:rapid_relief"),
    ("Some people notice changes in mood within a day.", "claim:rapid_relief"),
    ("Ketamine can rapidly alleviate symptoms of depression.", "claim:rapid_relief"),
    ("Many patients feel relief after their very first infusion.", "claim:rapid_relief"),
    ("Our patients often see results within days.", "claim:rapid_relief"),
    # Lasting effects: an effect said to last or persist days or longer; free of symptoms for weeks.
    ("The effects can last up to 14 days after one infusion.", "claim:lasting_effects"),
    ("Its antidepressant effects persist for at least a week in most patients.", "claim:lasting_effects"),
    ("Half reported benefits lasting one week or more.", "claim:lasting_effects"),
    ("After a series, patients can be depression free for several weeks.", "claim:lasting_effects"),
    ("A third still felt better two weeks later.", "claim:lasting_effects"),
    ("Patients had sustained positive results for up to six months.", "claim:lasting_effects"),
    ("Researchers describe its rapid, and long-lasting, antidepressant effects.", "claim:lasting_effects"),
    # Few side effects: no adverse events, safe track record, tolerated well, side effects that pass.
    ("There were no serious adverse events in the trial.", "claim:few_side_effects"),
    ("It has no serious side effects at these doses.", "claim:few_side_effects"),
    ("Ketamine has a remarkably safe track record.", "claim:few_side_effects"),
    ("Even at higher doses it is considered very safe.", "claim:few_side_effects"),
    ("Most patients tolerate the infusions very well.", "claim:few_side_effects"),
    ("It doesn't lower blood pressure or slow breathing.", "claim:few_side_effects"),
    ("Ketamine causes minimal respiratory depression.", "claim:few_side_effects"),
    ("Ketamine is a safe option to relieve severe depression.", "claim:few_side_effects"),
    ("Unlike older drugs, it works without the undesirable negative side effects.", "claim:few_side_effects"),
    ("Side effects usually go away within an hour.", "claim:few_side_effects"),
    ("The trial found no new safety signals over a year.", "claim:few_side_effects"),
    # A hedge on a match's first words does not hide a claim in its last.
    ("Unlike pills that may take weeks to work, infusions can bring relief within hours.", "claim:rapid_relief"),
    # Success rates: individuals, those, half of the patients, remission then its figure.
    ("Infusions can be effective for 70-80% of individuals.", "claim:success_rates"),
    ("It relieves symptoms in 55–70% of patients, even those who have failed to respond to other drugs.",
     "claim:success_rates"),
    ("At one week, 50% of those treated met criteria for response.", "claim:success_rates"),
    ("Symptoms improved in half of the patients.", "claim:success_rates"),
    ("More patients were in remission with ketamine than with placebo (60% vs. 30%).", "claim:success_rates"),
    ("In the trial, 71% felt better the next day.", "claim:success_rates"),
    ("About 7 in 10 patients experience significant improvement.", "claim:success_rates"),
    # FDA approval: the noun with a year or a drug, the administration's longer names.
    ("Growing evidence led to FDA approval in 2019.", "claim:fda_approval"),
    ("This led to the FDA's approval of the spray.", "claim:fda_approval"),
    ("FDA approval", "claim:fda_approval"),
    ("It was approved by the United States Food and Drug Administration (FDA) in 2019.", "claim:fda_approval"),
    ("Ketamine is approved by the Federal Drug Administration as an anesthetic.", "claim:fda_approval"),
    ("Esketamine is a nasal spray approved for adults with treatment-resistant depression.", "claim:fda_approval"),
    ("The drug received formal FDA approval in 2019.", "claim:fda_approval"),
    # Citations: a journal after "the", named as "journal X", abbreviated with "J"; a study by place or person.
    ("A trial published in the BMJ followed 200 adults.", "citation:journal"),
    ("As reported in the science journal Nature, the effect was large.", "citation:journal"),
    ("The results appeared in the Archives of General Psychiatry.", "citation:journal"),
    ("Am J Psychiatry.", "citation:journal"),
    ("A study from the University of Michigan found the same.", "citation:study"),
    ("Moreno's pilot study treated six patients.", "citation:study"),
    ("She and colleagues at Columbia published their results.", "citation:study"),
    ("In a pilot study, Dr. Rivera found that patients improved within hours.", "citation:study"),
    ("NIMH-funded researchers published a trial today.", "citation:study"),
    ("Similar studies followed his 2006 study.", "citation:study"),
    ("The best of these studies, published at the end of 2017, enrolled 60 adults.", "citation:study"),
    ("Cite as: VanDyke G, Ortiz S. A Randomized Trial.", "citation:study"),
    # Conditions: antisuicidal effects, manic depression as bipolar; synaptogenesis: regrown pathways.
    ("Ketamine has antisuicidal effects.", "condition:suicidal_thoughts"),
    ("Bipolar disorder, once called manic depression, has highs and lows.", "condition:bipolar_depression"),
    ("Infusions allow regeneration of neural pathways.", "mechanism:synaptogenesis"),
]


@pytest.mark.parametrize("sentence, concept", NOT_MENTIONS)
def test_mentions_8_leaves_out_what_is_not_a_mention(sentence, concept):
    assert concept not in labels(sentence)


@pytest.mark.parametrize("sentence, concept", MENTIONS)
def test_mentions_8_finds_the_mention(sentence, concept):
    assert concept in labels(sentence)
