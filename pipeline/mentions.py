"""What a post says, by category: the mechanisms, conditions, claims, citations and calls to
action it mentions, each with the sentence it came from so a researcher can check it.

Rules are regular expressions over one sentence at a time (sentences as the summarizer
splits them, so every mention's sentence is a verbatim sentence of its post). Within a
category, one alternation holds every concept with the more specific ones first, so
"treatment-resistant depression" is one mention of treatment_resistant_depression, not also
one of depression (a condition masks every place it is named; a claim's and a citation's
concepts are separate, even where their words overlap). The claim rules are in
pipeline/mention_claims.py. A claim of rapid relief needs a word for the effect shortly before
the time phrase ("relief that arrives in hours"), because "within 24 hours" alone is as often
about a lab finding or an appointment.

A match is then checked against the exceptions below and the general reasons a match is not a
mention (pipeline/mention_rules.py: a claim about a study's animals, a side effect's or a
clinic's speed, a condition's word in a medical sense, a clinic's own staff, office hours ...),
and a claim against what makes it not asserted (pipeline/mention_hedges.py: negated, hedged,
wished for, an aim, asked).
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

from .mention_claims import CLAIM_RULES, Rule
from .mention_hedges import hedged, question_from
from .mention_rules import NOT_A_SOURCE, NOT_INSIDE_MORE, RATING_SCALE, SUICIDE_HOTLINE, not_meant
from .required_text import LiteralFilter, fold_case

# 2: sentences split by sentencex, line breaks ending one (1: pysbd). 4: claims not made when
# negated, hedged or asked; success rates need a figure; fax and id numbers are not phones.
# 5: general reasons a match is not a mention (pipeline/mention_rules.py), plainer wordings.
# 6: heldout2's errors by kind (round 2), the labelling conventions of bench/mentions.py's guide.
# 7: 'may', 'might', 'could' hedge a claim. 8: heldout3's errors by kind (round 3), claims' plainer wordings.
# 9: heldout4's errors by kind (round 4): "seems to", "likely", a modal's reach, an aim or a check hedge a claim;
# an institution's name is no journal, researchers' opinion no study (pipeline/mention_hedges.py, mention_rules.py).
# 10: heldout5's errors by kind (round 5): the fifth labeller's guide's concepts (addiction, eating_disorders,
# consultation; migraine is chronic_pain), a small share is no success rate, an aim's reach; digits' runs gate rules.
RULES_VERSION = "mentions-10"


@dataclass(frozen=True)
class Mention:
    category: str
    concept: str
    matched: str  # the words that matched, as the post writes them
    sentence: str  # the sentence of the post it was found in, verbatim
    sentence_index: int  # the sentence's position in the post, from 0


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
             r"|\b(?:regenerat|rebuild|restor)\w*\s+of\s+(?:new\s+)?(?:neural|neuronal)\s+pathways\b"  # mentions-8, heldout3
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
             # mentions-10 (heldout5): "medication-resistant", "treatment-resistent", "treat resistant" depression.
             r"\b(?:(?:treatment|treat|medication|drug|therapy)\s?[-–]?\s?resist[ae]n(?:t|ce)|refractory|(?:hard|difficult|tough)[- ]to[- ]treat)\s+(?:major\s+)?"
             r"depress(?:ion|ed|ive)\b|\btrd\b"
             r"|\bdepression\s+(?:that\s+(?:is|has\s+been)\s+|which\s+is\s+)?(?:considered\s+)?"
             r"(?:treatment\s?[-–]?\s?resistant|resistant\s+to\s+(?:treatment|medications?|antidepressants))\b"),
        # "Manic depression" is bipolar disorder's older name (mentions-8, heldout3: not depression).
        Rule("bipolar_depression", r"\bbipolar\s+(?:i\s+|ii\s+)?(?:depression|disorder)\b|\bbi-polar\s+(?:depression|disorder)\b|\bbipolar\b|\bmanic[- ]depression\b"),
        Rule("depression",
             r"\b(?:major\s+)?depress(?:ion|ions|ive|ed)\b|\bunipolar\b|\bmdd\b|\bseasonal\s+affective\s+disorder\b|\bpostpartum\s+depression\b"),
        Rule("ptsd", r"\bptsd\b|\bpost-?\s?traumatic\s+stress\b"),
        Rule("ocd", r"\bocd\b|\bobsessive[- ]compulsive\b"),
        Rule("anxiety", r"\banxiety\b|\banxious\b|\bpanic\s+(?:attacks?|disorder)\b"),
        Rule("chronic_pain",
             r"\bchronic\s+pain\b|\bfibromyalgia\b|\bcrps\b|\bcomplex\s+regional\s+pain\b|\bneuropathic\s+pain\b"
             # mentions-6 (heldout2's misses): pain syndromes, chronic migraine, nerve and centralised pain.
             r"|\bpain\s+syndromes?\b|\bchronic\s+(?:\w+\s+)?migraines?\b|\bnerve\s+pain\b|\bcentrali[sz]ed\s+pain\b"
             # mentions-10, the fifth labeller's guide: migraine and cluster headaches, chronic or not.
             r"|\bmigraines?\b|\bcluster\s+headaches?\b"),
        Rule("suicidal_thoughts", r"\b(?:anti-?)?suicid\w*(?:\s+(?:thoughts|ideation|thinking))?"),  # "antisuicidal": mentions-8
        # mentions-10, the fifth labeller's guide: substance or alcohol use disorder, alcoholism, a drug's abuse or
        # dependence named as a condition (not "alcohol" alone, nor a risk of addiction: pipeline/mention_rules.py).
        Rule("addiction",
             r"\b(?:alcohol|substance|drug|opioid|opiate|stimulant|cannabis|cocaine|methamphetamine|nicotine|tobacco)"
             r"(?:[- ]related)?[- ]use[- ]disorders?\b|\balcoholism\b|\baddictions?\b"
             r"|\b(?:alcohol|substance|drug|opioid|opiate|stimulant|cannabis|cocaine|methamphetamine|nicotine|ketamine)\s+"
             r"(?:abuse|dependen(?:ce|cy|cies)|addictions?)\b"
             r"|\b(?:excessive|excess|heavy|harmful|problem(?:atic)?)\s+(?:alcohol\s+(?:use|consumption)|drinking)\b"
             r"|\bharmful\s+use\s+of\s+alcohol\b"),
        # Their initials, each rule on the sentences with its own words (case-sensitive: a rule of its own), not a sum
        # in Australian dollars.
        Rule("addiction", case_sensitive=True, pattern=r"\b(?:AUD|OUD|SUDs?)\b(?!\s*\$?\s*\d)"),
        Rule("eating_disorders",
             r"\beating[- ]disorders?\b|\bdisordered[- ]eating\b|\banorexi(?:a|c)\b|\bbulimi(?:a|c)\b"
             r"|\bbinge[-\u2011\s]eating\b|\barfid\b"),
        Rule("eating_disorders", case_sensitive=True, pattern=r"\bEDs\b"),
    ],
    "claim": CLAIM_RULES,
    "citation": [
        Rule("doi", r"\bdoi:\s*10\.\d{4,9}/\S+|\b10\.\d{4,9}/[^\s\"<>]+"),
        Rule("pubmed", r"\bpmid\s*[-:]?\s*\d{5,9}\b|\bpubmed\.ncbi\.nlm\.nih\.gov/\d+|\bpubmed\b"),
        Rule("journal", case_sensitive=True, pattern=
             r"\b(?:JAMA(?:\s+Psychiatry)?|[Tt]he\s+Lancet(?:\s+Psychiatry)?|New\s+England\s+Journal\s+of\s+Medicine|NEJM"
             r"|American\s+Journal\s+of\s+Psychiatry|Biological\s+Psychiatry|Molecular\s+Psychiatry"
             r"|Neuropsychopharmacology|Nature\s+(?:Medicine|Neuroscience)|Journal\s+of\s+(?:the\s+)?[A-Z][A-Za-z]+"
             r"(?:\s+[A-Z][A-Za-z]+)*|Lancet)\b"
             r"|\b(?:published|appeared|reported)\s+in\s+(?:the\s+)?(?:journal\s+)?[A-Z][\w&-]+(?:\s+[A-Z][\w&-]+)*"
             r"|\bFrontiers\s+in\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*"),
        # A journal as a reference list abbreviates it, before its volume or year: "J. Psychopharmacol., 29". A rule of
        # its own, run only on sentences with a digit (mentions-9: in the rule above, its "." sent every sentence with a
        # full stop through it; the numbers its lookahead needs are digits, or "№" before them).
        Rule("journal", case_sensitive=True, digits=True, pattern=
             r"\b(?!(?:Dr|Mr|Mrs|Ms|St|Prof|Jr|Sr|No|Vol)\.)[A-Z][a-z]{0,9}\.(?:\s+[A-Z][a-z]*\.?)+"
             r"(?=,?\s+(?:№|(?:19|20)\d{2}\b|\d+\s*[(:;,]|\d{1,2}\s+[A-Z][a-z]+\s+(?:19|20)\d{2}\b))"
             # By its volume and pages, or by its year in brackets: "(Science 2019, DOI: ...)".
             r"|\b(?:Science|Nature|Cell|Neuron|Lancet|PNAS)(?=\s+(?:(?:19|20)\d{2},?\s+)?\d+:\s*\d+|,?\s+(?:19|20)\d{2}[,;)])"),
        # A reference's journal line, its name before "2019;12", "3:1901" or "volume 12" (mentions-6, heldout2's
        # misses); a name without a field in it is not a journal (pipeline/mention_rules.py).
        Rule("journal", case_sensitive=True, digits=True, pattern=
             r"\b[A-Z][A-Za-z]+\.?\s+(?:(?:19|20)\d{2}\s*(?:;\s*\d+|,\s*\d+\s*\(\d+\))|\d{1,4}:\s*[1-9]\d{2,}"
             r"|(?:volume|vol\.)\s+\d+)"),
        # mentions-8 (heldout3's misses), a rule of its own (run only on the sentences with its words): "the science
        # journal Nature", "Archives of General Psychiatry", a reference's "Am J Psychiatry" ("J" before its field).
        Rule("journal", case_sensitive=True, pattern=
             r"\bjournal,?\s+[A-Z][\w&-]+(?:\s+[A-Z][\w&-]+)*|\b(?:Archives|Annals|Proceedings)\s+of\s+(?:the\s+)?[A-Z][a-z]+"
             r"(?:\s+(?:of\s+)?[A-Z][a-z]+)*"
             r"|\b(?:[A-Z][a-z]+\s+){0,2}J\s+(?:Psychiatr|Clin|Affect|Psychopharmacol|Neuro|Med|Pain|An(?:a)?esth|Psychol"
             r"|Pharmacol|Ment|Gen|Integr)\w*"),
        # mentions-9 (heldout4's misses): a reference list's journal line alone, abbreviated ("Arch Gen Psychiatry.",
        # "Annu Rev Clin Psychol."): two to five short capitalised words, one of them a journal's abbreviation.
        Rule("journal", case_sensitive=True, pattern=
             r"^\s*(?=(?:[A-Z][a-z]{0,8}\.?\s+){0,4}(?:Arch|Gen|Annu|Rev|Clin|Am|J|Br|Eur|Int|Curr|Opin|Proc|Natl|Acad|Transl|Exp"
             r"|Mol|Biol|Neurosci|Psychol|Pharmacol|Res)\b)(?:[A-Z][a-z]{0,8}\.?\s+){1,4}"
             r"(?:Psychiatry|Psychol|Neurosci|Pharmacol|Neurol|Med|Res|Rev|Ther|Biol|Sci|Anesth|Anaesth|Anesthesiol"
             r"|Psychopharmacol|Disord)\.?\s*$"),
        # A study named by its year, authors or institution: "a 2019 study", "Duman et al.", "researchers at Yale".
        # Two rules for one concept (mentions-5), each run only on the sentences that can hold it: a
        # study named by its authors or institution, and one named by a year or a reference's numbers.
        # "et al" alone (mentions-9: its literal "et" is in many words, and sent every such sentence through the
        # longer rule after it).
        Rule("study", r"\bet\s+al\b"),
        Rule("study",
             r"\bstar\*d\b|\b(?:its\s+)?lead\s+author\b|\ban\s+author\s+of\s+the\s+study\b"
             r"|\b(?:researchers|scientists|psychiatrists|investigators|colleagues|a\s+team)\s+(?:at|from)\s+(?:the\s+)?[A-Z]\w+"
             # "Yale researchers", "Neuroscientist Conor Liston": researchers named by place or name.
             # Researchers as the agents of research ("Yale researchers found"), not "When researchers ...".
             r"|(?-i:\b[A-Z][a-z]+)\s+(?:researchers|scientists|investigators)\s+(?:\w+\s+){0,2}"
             r"(?:found|find|show|discover|report|publish|conduct|stud|test|observ|demonstrat|examin|investigat|analy"
             r"|measur|treat|enroll|recruit|compar|gave|give|ran|run|led|lead)\w*"
             r"|\b(?:neuro)?scientist\s+(?-i:[A-Z][a-z]+\s+[A-Z][a-z]+)"
             r"|(?-i:\b[A-Z][a-z]+)\s+and\s+(?:coworkers|colleagues)\b"),
        # mentions-8 (heldout3's misses), a rule of its own: a study from a place or by a person, "Rodriguez's pilot
        # study", "Dr. Rodriguez found", "NIMH-sponsored researchers" (not a clinic's, pipeline/mention_rules.py).
        Rule("study",
             r"\b(?:study|trial|research|paper)\s+(?:from|at|by|conducted\s+(?:at|by)|led\s+by"
             r"|conducted\s+by\s+(?:\w+\s+){1,2}(?:at|from))\s+(?:the\s+)?(?-i:[A-Z][\w'’-]+)"
             # mentions-10 (heldout5's misses): a trial by its funder, in a sentence of a study (pipeline/mention_rules.py),
             # or by its name ("the KINDRED Trial"), not a condition's or a treatment's initials.
             r"|\b(?:funded|sponsored)\s+by\s+(?:the\s+)?(?-i:[A-Z][\w'’-]+)"
             r"|(?-i:\b(?!(?:Ketamine|Esketamine|Spravato|Today|Tomorrow|Yesterday|This|That|It|Our|Their|His|Her|Its|Last|Next"
             r"|Year|Week|Month)['’])[A-Z][a-z]+)['’]s\s+(?:(?:pilot|original|landmark|first|early|seminal|new|recent)\s+)?"
             r"(?:study|trial|paper)\b"
             r"|(?-i:\bDr\.?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+(?:and\s+(?:\w+\s+)?colleagues\s+)?(?:found|reported|published"
             r"|showed|demonstrated|discovered|observed)\b"
             r"|(?-i:\b[A-Z][\w]+)[- ](?:sponsored|funded)\s+(?:researchers|scientists|study|trial|research)\b"),
        # "This review (2022) explores ..." (mentions-10, heldout5's miss): a rule of its own, run on sentences with "(19"
        # or "(20" only.
        Rule("study", digits=4, pattern=r"\b(?:study|trial|paper|review|meta-analysis|case\s+series)\s+\((?:19|20)\d{2}\)"),
        Rule("study", case_sensitive=True, pattern=
             r"\b(?!(?:PTSD|OCD|TRD|MDD|ADHD|KAP|IV|FDA|ECT|TMS|CRPS|NMDA|BDNF|EDs?)\b)[A-Z][A-Z0-9*]+(?:-[A-Z0-9]+)*\s+(?:Trial|Study)\b"),
        # A reference's authors (mentions-6): "authors: Roe, ...", "Roe JQ, Doe A", "Ann K Roe 1,2, ...".
        Rule("study", case_sensitive=True, pattern=
             r"\bauthors:\s+[A-Z][\w'’-]+,\s"
             r"|\b[A-Z][a-z]+(?:[A-Z][a-z]+|-[A-Z][a-z]+)?\s+[A-Z]{1,3},\s+[A-Z][a-z]+(?:[A-Z][a-z]+|-[A-Z][a-z]+)?\s+[A-Z]{1,3}"
             r"(?=[.,;]|\s+et\s+al\b)"
             r"|\b[A-Z][a-z]+\s+[A-Z]\.?\s+[A-Z][a-z]+\s+\d(?:,\d)*,\s+[A-Z][a-z]+\s+[A-Z]\.?\s+[A-Z][a-z]+\s+\d"),
        # Every alternative of the rule below holds a year (mentions-10: run only on sentences with four digits in a row).
        Rule("study", digits=1, pattern=r",\s*[№]\s*\d+,\s*[с]\.?\s*\d+"),
        Rule("study", digits=4, pattern=
             r"\b(?:a|an|the|one|this|his|her|their)\s+(?:\w+\s+){0,2}(?:19|20)\d{2}(?:['’]s)?\s+(?:\w+\s+){0,2}"
             r"(?:study|trial|paper|review|meta-analysis|analysis|case\s+series)\b"
             r"|\b(?:study|trial|paper|review|meta-analysis)\s+(?:published\s+)?in\s+(?:19|20)\d{2}\b"
             r"|\bpublished\s+(?:in\s+|at\s+the\s+(?:end|start|beginning)\s+of\s+|(?:early|late)\s+(?:in\s+)?)(?:19|20)\d{2}\b"
             r"|\bin\s+(?:19|20)\d{2},\s+(?:[\w'’.,-]+\s+){1,10}?(?:published|conducted|reported|released)\s+"
             r"(?:a\s+|an\s+|the\s+|new\s+)?(?:\w+\s+)?(?:research|study|studies|trial|paper|findings|report|data)\b"
             # A journal line's year, volume and pages alone ("Science 2009, 312: 101-105") name the journal, not a
             # study (mentions-6: the guide). A whole reference, its authors and title before "№ 79, с. 133": the rule above.
             # "(Science 2019, ...)", "(Mion 2017)": a source and its year in brackets, not a month or a season.
             r"|\((?!" + NOT_A_SOURCE + r")(?-i:[A-Z][\w.'’-]*)(?:\s+(?-i:[A-Z][\w.'’-]*)){0,3},?\s+(?:19|20)\d{2}[a-z]?(?=[,;)])"
             # Authors and year, names capitalised: "(Mion, 2017)", "Corssen and Domino (1965)", "Li and coworkers".
             r"|\((?-i:[A-Z][\w'’-]+(?:\s+(?:and|&)\s+[A-Z][\w'’-]+|\s+et\s+al\.?)?),\s*(?:19|20)\d{2}[a-z]?\)"
             r"|(?-i:\b[A-Z][\w'’-]+)\s+(?:and|&)\s+(?-i:[A-Z][\w'’-]+)\s+\((?:19|20)\d{2}[a-z]?\)"),
    ],
    "call_to_action": [
        # Not inside a longer run of digits (an identifier, a DOI, a grant number). Every alternative holds three digits
        # in a row ("9-8-8": the rule after it; mentions-10, run only on sentences with three).
        Rule("phone", digits=3, pattern=r"(?<![\d/.-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)|\b\d{3})[\s.–‐‑-]?\d{3}[\s.–‐‑-]\d{4}\b(?![.-]?\d)"
                      # mentions-9 (heldout4's misses): non-breaking hyphens; "Tel (214) 9307527".
                      r"|\b(?:tel|phone|call)\w*\.?:?\s*\(\d{3}\)\s?\d{7}\b"
                      r"|\b(?:dial|call|text)(?:ing)?\s+(?:the\s+)?(?:988|911)\b|\b741-?741\b"
                      # The crisis line by its number alone, not a count, a price or part of a longer number.
                      r"|(?<![\d$#.,/-])\b988\b(?![.,/-]?\d)(?!\s*(?:%|percent|mg|ml|(?:\w+\s+)?(?:patients|people|participants"
                      r"|subjects|adults|individuals|respondents|cases|deaths|men|women|children)\b"
                      r"|\s+(?:[A-Z]\w+\s+)?(?:street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|way|highway|hwy|parkway)\b))"),
        Rule("phone", digits=1, pattern=r"\b9-8-8\b"),
        # A number with its country's code, "+44 2079460000" (mentions-6, heldout2): a rule of its own, run only
        # on sentences with a "+".
        Rule("phone", digits=True, pattern=r"(?<![\w/.-])\+\d{1,3}[\s.-]?\d(?:[\s.-]?\d){7,11}\b(?![.-]?\d)"),
        # A national number with its trunk 0 after a word for calling, "or phone 01865 902 522" (mentions-10, heldout5).
        Rule("phone", digits=3, pattern=r"\b(?:phone|call|tel|telephone|ring)\w*\.?:?\s+(?:us\s+)?(?:on\s+|at\s+)?"
                                           r"0\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}\b(?![.-]?\d)"),
        Rule("free_consultation",
             r"(?<![\w-])(?:free|complimentary|no[- ]cost)\s+(?!to\b)(?:[\w-]+\s+){0,2}(?:consult\w*|evaluations?|assessments?|screenings?)\b"
             r"|\bconsultations?\s+(?:are|is)\s+(?:always\s+)?free\b|\bconsultation:\s+free\b"),
        # "schedule a free intake phone call" (mentions-9, heldout4's miss): a rule of its own, run on sentences with "call".
        Rule("free_consultation", r"(?<![\w-])(?:free|complimentary|no[- ]cost)\s+(?!to\b)(?:[\w-]+\s+){0,2}(?:phone\s+)?calls?\b"),
        # mentions-10, the fifth labeller's guide: an invitation to book a consultation, free or not ("schedule an
        # initial consult"); a free one is both concepts (ALSO_MENTIONS below; each guide asks for one of them).
        Rule("consultation",
             r"\b(?:schedul|book|request|set(?:ting)?\s+up|arrang|reserv|sign(?:ing)?\s+up\s+for)\w*\s+(?:\w+\s+){0,4}?"
             r"(?:consult(?:ation)?s?|discovery\s+calls?|evaluations?|assessments?|intake\s+calls?)\b"),
    ],
}

# A concept is not mentioned in a sentence matching its exception, measured on the dev split of
# bench/data/real-mentions.csv (python -m bench.mentions --errors): an affiliation or a rating
# scale is not a condition, and a success rate of those who fail, or a lasting effect said to
# wear off, is not claimed ("the 20% who do not experience relief", "effects wear off").
_DO_NOT = r"\b(?:do|does|will|did)(?:\s+not|n['’]t)\s+(?:respond|experience|work|improve|benefit|achieve|reach|see|get|find|feel|provide|give|bring|help)\b"
_FAIL = r"\bfail\w*\s+to\s+(?:respond|improve|benefit)\b"
_TO_OTHERS = (r"(?=\s+to\s+(?:\w+\s+){0,2}(?:traditional|other|previous|prior|standard|conventional|first-line|two|three"
              r"|multiple|several|antidepressants?|medications?|treatments?|therapies))")
# mentions-8 (heldout3's miss): those who failed other treatments are who a rate is of, not its failures ("in 55-70%
# of patients, even those who have failed to respond to traditional treatments"): when "who" (or "that") and other
# treatments say so, the words are taken out before the exception is looked for.
_DESCRIBED = re.compile(r"\b(?:who|that)\s+(?:have\s+|had\s+|has\s+)?(?:" + _DO_NOT + "|" + _FAIL + ")" + _TO_OTHERS,
                        re.IGNORECASE)
_AFFILIATION = r"\bdepartment\s+of\b|\bdisorders?\s+program\b|\bresearch\s+program\b"
NOT_WHEN: dict[str, re.Pattern[str]] = {concept: re.compile(pattern, re.IGNORECASE) for concept, pattern in {
    "depression": _AFFILIATION,
    "anxiety": _AFFILIATION,
    "success_rates": _DO_NOT + "|" + _FAIL + r"|\bnot\s+(?:reaching|responding)\b|\bnever\s+improve"
                     r"|\bnon-?respon\w*|\bguarantee\b|\bdefined\s+as\b|\b(?:relief|improvement|response)\s+never\b",  # mentions-9
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
        r"|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine)\s+(?:out\s+of|of|in)\s+(?:every\s+)?(?:\d+|ten|four|five|three)\b))"
        # Not "symptom": "30% of patients experience dissociative symptoms" is a side effect's rate (mentions-5).
        r"(?=.*(?:improv|respon|remission|relie|benefit|better|success|recover|reduc|decreas|effective|helped|alleviat|diminish"
        # "shown to treat ... in up to 60% of patients" (mentions-6, heldout2).
        r"|\btreat\w*\b.*\bin\s+(?:up\s+to\s+|over\s+|about\s+|nearly\s+|almost\s+|more\s+than\s+)?\d{1,3}\s?%\s+of\b"
        # "works for 70-80% of individuals" (mentions-9, heldout4).
        r"|\bworks?\s+(?:for|in)\s+(?:up\s+to\s+|over\s+|about\s+|nearly\s+|almost\s+|more\s+than\s+)?\d{1,3}\b))",
        re.IGNORECASE | re.DOTALL),
}

# A concept that is also another, found without a rule of its own: a free consultation is a consultation.
ALSO_MENTIONS = {"free_consultation": "consultation"}

_HEDGED_CATEGORIES = {"claim"}
_HEDGED_CONCEPTS = {"free_consultation", "consultation"}

# A phone-like number that is something else's: a fax, a suite, an order, a grant or an identifier.
_NOT_A_PHONE_BEFORE = re.compile(
    r"(?:\bfax|\bf|\b(?:suite|ste|unit|room|box|order|invoice|account|case|ticket|reference|ref|npi|id|isbn|grant|patent"
    r"|licen[cs]e|tracking|serial)(?:\s*(?:number|no\.?|#))?)\W{0,3}$", re.IGNORECASE)


_DIGITS = re.compile(r"\d+")


def _excluded(category: str, concept: str, text: str, match: re.Match[str], question: int | None) -> bool:
    """True when this match of a concept's rule is not a mention of it (see the exceptions above)."""
    hedgeable = category in _HEDGED_CATEGORIES or concept in _HEDGED_CONCEPTS
    asked = question is not None and category == "claim" and match.start() >= question
    if hedgeable and (asked or hedged(text, match)):
        return True
    if concept == "phone" and _NOT_A_PHONE_BEFORE.search(text[max(0, match.start() - 30):match.start()]):
        return True
    return not_meant(category, concept, text, match)


def _compile(rules: list[Rule]) -> list[tuple[str, re.Pattern[str], LiteralFilter, int]]:
    """Each rule's concept, pattern, literal filter and the run of digits every match holds (0: none)."""
    return [(rule.concept, pattern, LiteralFilter(pattern), int(rule.digits))
            for rule in rules
            for pattern in [re.compile(rule.pattern, 0 if rule.case_sensitive else re.IGNORECASE)]]


COMPILED = {category: _compile(rules) for category, rules in RULES.items()}


# A citation's parts are separate mentions even where they overlap: "(Science 2019, ...)" names a
# journal and a study (mentions-5; no citation rule is a more specific form of another). So are a claim's
# (mentions-8, heldout3: "relief ... in 70% of patients after just one infusion" is a rate and rapid relief).
_SEPARATE_SOURCES = {"citation", "claim"}


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
    # The longest run of digits: every phone match has three in a row, and its rule has no literals.
    digit_run = max(map(len, _DIGITS.findall(text)), default=0)
    done: set[str] = set()  # a concept with two rules is mentioned once
    question = question_from(text)
    for category, rules in COMPILED.items():
        taken: list[tuple[int, int]] = []
        for concept, pattern, literals, digits in rules:
            if concept in done or digits > digit_run or not literals.may_match(text, folded):
                continue
            if concept in NOT_WHEN and NOT_WHEN[concept].search(_DESCRIBED.sub("", text) if concept == "success_rates" else text):
                continue
            if concept in NEEDS and not NEEDS[concept].match(text):
                continue
            inside = [m.span() for m in NOT_INSIDE[concept].finditer(text)] if concept in NOT_INSIDE else []
            # A match left out is looked for again from its next character, not after its end: a hedge on its first
            # words must not hide a claim in its last ("that may take weeks to work, it can provide relief within
            # hours": mentions-8, dev's miss).
            start = 0
            while (match := pattern.search(text, start)) is not None:
                start = match.start() + 1
                if any(_spans_overlap(match.span(), span) for span in taken + inside):
                    continue
                if _excluded(category, concept, text, match, question):
                    continue
                if category == "condition":  # every place it is named: "TRD (treatment-resistant depression)", mentions-8
                    taken += [other.span() for other in pattern.finditer(text)]
                elif category not in _SEPARATE_SOURCES:
                    taken.append(match.span())
                found.append((category, concept, match.group(0)))
                done.add(concept)
                if (also := ALSO_MENTIONS.get(concept)) is not None and also not in done:
                    found.append((category, also, match.group(0)))
                    done.add(also)
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
