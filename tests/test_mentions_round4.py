"""Mentions rules `mentions-9` (round 4): the kinds of error found in heldout4 (a fourth labeller's
sentences, tuned on since), each as a general rule, and the wordings the rules missed, tested on
sentences written for this file. The real sentences the rules are measured on are not copied here.
"""

import pytest

from pipeline.mentions import sentence_mentions

NOT_MENTIONS = [
    # Seeming, belief, likelihood and potential hedge a claim.
    ("The spray seems to quickly improve mood in most adults.", "claim:rapid_relief"),
    ("In this cohort, infusions appeared to rapidly lower suicidal thinking.", "claim:rapid_relief"),
    ("The drug is believed to have the ability to rapidly lift mood.", "claim:rapid_relief"),
    ("Some patients seem to reach long-term relief after six sessions.", "claim:lasting_effects"),
    ("This suggests that ketamine likely provides long-term relief for many.", "claim:lasting_effects"),
    ("A key benefit of the spray is its potential for rapid relief.", "claim:rapid_relief"),
    ("We scanned patients a day after a novel putative rapidly acting antidepressant.", "claim:rapid_relief"),
    ("It is no permanent cure, but it holds the potential for lasting relief.", "claim:lasting_effects"),
    # A modal's or a wish's reach over a list or a relative clause.
    ("Infusions may thus be a simple, cheap, practical way to rapidly reduce suicidal thinking.", "claim:rapid_relief"),
    ("The drug spurs new synapses, potentially calming the mind and easing symptoms in as little as 24 hours.",
     "claim:rapid_relief"),
    ("These results may help doctors design therapies that promote lasting remission.", "claim:lasting_effects"),
    ("The field needs a new, fast-acting and well-tolerated medicine.", "claim:rapid_relief"),
    ("The field needs a new, fast-acting and well-tolerated medicine.", "claim:few_side_effects"),
    # What is lacking or required is wished for.
    ("Self-harm is a crisis with few options that can quickly reduce the urge to act.", "claim:rapid_relief"),
    ("These findings give hope to veterans who require rapid-acting care that will ease their symptoms.",
     "claim:rapid_relief"),
    # An aim or a check, not a result.
    ("Our nurse reviews your chart to make sure there are no safety concerns.", "claim:few_side_effects"),
    ("Pairing infusions with new daily habits to achieve lasting results.", "claim:lasting_effects"),
    ("Blocking this receptor to promote sustained antidepressant effects", "claim:lasting_effects"),
    # Read on the unlabelled sentences of the tuning splits' pages: failing to respond, a search's reach, someone's
    # quick action, "shorter-lasting", an aim ("in order to", "critical for", a heading's "For"), a check, "possible".
    ("Many patients fail to respond fully or quickly to the usual pills.", "claim:rapid_relief"),
    ("The field began to search for novel, fast-acting compounds.", "claim:rapid_relief"),
    ("Taking quick action for a friend in crisis", "claim:rapid_relief"),
    ("Tolerance can build up, leading to shorter-lasting effects over time.", "claim:lasting_effects"),
    ("In order to produce sustained effects, doses are given twice a week.", "claim:lasting_effects"),
    ("Good sleep after a session is critical for long-lasting improvement.", "claim:lasting_effects"),
    ("For long-lasting results, several sessions are recommended.", "claim:lasting_effects"),
    ("We screen every patient and ensure the treatment is safe for them.", "claim:few_side_effects"),
    ("With boosters it is possible to stay symptom-free.", "claim:lasting_effects"),
    # A hedge on the cause of an effect leaves the effect claimed (see MENTIONS); a rate of failures is none.
    ("For about 35% of patients, even after several medications, relief never comes.", "claim:success_rates"),
    ("For the 30 percent of adults with this illness, standard pills don't provide enough relief.",
     "claim:success_rates"),
    ("Roughly 25-35% of people on these medicines will not achieve remission.", "claim:success_rates"),
    ("A response was defined as a 50% improvement in scores from baseline.", "claim:success_rates"),
    # Short-lived effects; "a few" side effects; "the last" as an adjective.
    ("These effects usually last for about one to two hours.", "claim:lasting_effects"),
    ("The effects of one dose are often short-lived, typically lasting a few days.", "claim:lasting_effects"),
    ("There are a few side effects that your doctor will explain.", "claim:few_side_effects"),
    ("Please send us any test results from the last three years.", "claim:lasting_effects"),
    # Researchers' opinion is no study; a journal's words inside an institution's or a meeting's name.
    ("Researchers at the Harbor Institute say the treatment is safe with support.", "citation:study"),
    ("Department of Psychiatry, Laboratory of Molecular Psychiatry, Riverside University.", "citation:journal"),
    ("Results were presented at the Psychedelic Science 2025 meeting in Denver.", "citation:journal"),
    # The depressive phase of bipolar disorder is bipolar disorder's.
    ("Infusions can help in the depressive phase of bipolar disorder.", "condition:depression"),
]

MENTIONS = [
    # A hedge on the cause of a claimed effect: the effect stays claimed.
    ("Glutamate appears to play a central role in the rapid effects of ketamine.", "claim:rapid_relief"),
    ("New synapses are probably responsible for its rapid antidepressant effect.", "claim:rapid_relief"),
    # A contrast ends a modal's reach; "helps to maintain" is the treatment's doing.
    ("Unlike older pills that may take a month, the spray can ease symptoms within hours.", "claim:rapid_relief"),
    ("Booster sessions help to maintain lasting relief.", "claim:lasting_effects"),
    # Wordings the rules missed: acting or responding within hours, immediate results, effects that occur.
    ("The drug acts in hours rather than weeks.", "claim:rapid_relief"),
    ("Most adults respond well to it, often within 24 hours of the first dose.", "claim:rapid_relief"),
    ("Veterans value its immediate results.", "claim:rapid_relief"),
    ("Such results can occur within days of starting.", "claim:rapid_relief"),
    ("It produced rapid anti-depressant actions within hours.", "claim:rapid_relief"),
    ("The infusion rapidly treats low mood in most adults.", "claim:rapid_relief"),
    ("Those gains were maintained to six months after the last dose.", "claim:lasting_effects"),
    ("It can help people feel better for the long term.", "claim:lasting_effects"),
    ("It is a fast-acting and sustained antidepressant.", "claim:lasting_effects"),
    ("At these doses there is virtually no potential for addiction.", "claim:few_side_effects"),
    ("The drug is exceptionally safe for sedation in children.", "claim:few_side_effects"),
    ("It has an excellent track record for safety.", "claim:few_side_effects"),
    ("The infusions effectively treat over 60% of adults who have struggled with depression.", "claim:success_rates"),
    ("Ketamine works for 60-75% of patients.", "claim:success_rates"),
    ("Studies show 65% or more of treatment-resistant patients improve after six infusions.", "claim:success_rates"),
    # Citations, calls to action and conditions.
    ("PMID- 12345678 OWN - NLM", "citation:pubmed"),
    ("Arch Gen Psychiatry.", "citation:journal"),
    ("Annu Rev Clin Psychol.", "citation:journal"),
    ("Call us any weekday: 555\u2011201\u20113344", "call_to_action:phone"),
    ("Tel (555) 2013344", "call_to_action:phone"),
    ("The first step is to book a free intake phone call.", "call_to_action:free_consultation"),
    ("It helps people with unipolar and bipolar depression.", "condition:depression"),
    ("We treat bi-polar depression and severe anxiety.", "condition:bipolar_depression"),
    ("Infusions can help in the depressive phase of bipolar disorder.", "condition:bipolar_depression"),
]


@pytest.mark.parametrize("sentence, concept, mentioned",
                         [(sentence, concept, False) for sentence, concept in NOT_MENTIONS]
                         + [(sentence, concept, True) for sentence, concept in MENTIONS])
def test_mentions_9_tells_a_mention_from_what_is_not_one(sentence, concept, mentioned):
    found = {f"{category}:{name}" for category, name, _ in sentence_mentions(sentence)}
    assert (concept in found) is mentioned
