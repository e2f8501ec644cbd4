"""pipeline.required_text: the literals every match of a pattern contains, and the filter that
skips texts without them. The filter must never rule out a text the pattern matches."""

import csv
import random
import re
import string
import sys
from pathlib import Path

import pytest

from clinicwatch.demo import demo_sites
from clinicwatch.demo.markup import body_text
from pipeline.mentions import COMPILED
from pipeline.relevance import COMPETITORS, KETAMINE, PLASTICITY
from pipeline.required_text import _CASE_VARIANTS, LiteralFilter, required_literals
from pipeline.sentences import split_sentences

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("pattern, expected", [
    (r"\bketamine\b", {"ketamine"}),
    (r"\bfoo\b|\bbar(?:s|z)?", {"foo", "bar"}),
    (r"(?:abc|de)\s+fghij", {"fghij"}),  # the longer of two mandatory parts
    (r"(?:new\s+)?synapses", {"synapses"}),  # optional parts need nothing
    (r"(?:grow|build)+ing", {"grow", "build"}),  # a repeat needs one of it
    (r"x(?:yz)*", {"x"}),
    (r"\d{3}[\s.-]\d{4}", None),  # classes only
    (r"foo|\w+", None),  # a branch that needs nothing
    (r"(?i:abc)", None),  # an inline case flag: left alone
])
def test_required_literals(pattern, expected):
    found = required_literals(re.compile(pattern, re.IGNORECASE))
    assert (set(found) if found is not None else None) == expected


def test_case_variants_are_every_non_ascii_letter_ignorecase_matches_with_an_ascii_one():
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    found = {}
    for char in string.printable:
        variants = set(re.findall(re.escape(char), everything, re.IGNORECASE)) - {char, char.upper(), char.lower()}
        if variants:
            found[char.lower()] = variants
    assert found == {letter: set(variants) for letter, variants in _CASE_VARIANTS.items()}


# At least one sentence for the alternatives of every rule, beside the labelled ones.
EXAMPLES = [
    "Ketamine may induce metaplasticity and metaplastic changes via TrkB, the tropomyosin receptor kinase B.",
    "BDNF, brain-derived neurotrophic factor, rises; mTORC1, the mechanistic target of rapamycin, follows.",
    "NMDA (N-methyl-D-aspartate) receptors, AMPA receptors and glutamatergic signalling.",
    "Synaptogenesis, synapse formation, the formation of new synapses and synaptic regrowth follow.",
    "Ketamine helps regrow synapses, build new connections and restore neural connections.",
    "Connections begin to form, and synapses come back within days; fresh connections, regrowth of synapses.",
    "Dendritic spines and spine density recover.",
    "Treatment-resistant depression (TRD), bipolar II depression and bipolar disorder differ.",
    "Seasonal affective disorder, postpartum depression and a depressed mood, major depressive episodes.",
    "PTSD, post-traumatic stress, OCD, obsessive-compulsive habits, anxiety, panic attacks, anxious days.",
    "Chronic pain, fibromyalgia, CRPS, complex regional pain and neuropathic pain; suicidal ideation and suicide.",
    "FDA-approved, FDA clearance, approved by the U.S. Food and Drug Administration, the FDA has approved it.",
    "It has few side effects, side effects are mild, it does not cause any serious side effects, well-tolerated.",
    "Without the usual side effects, it has an excellent safety record.",
    "Remission rates are high: 70% of patients improved, 7 out of 10 patients, and two of every three people.",
    "Rapid-acting relief, it works so quickly, faster relief, and relief that arrives within hours or in 24 hours.",
    "Long-lasting relief, lasting benefits, long-term results, it outlasts others, durable effects, benefits may last.",
    "You may feel better for weeks; what makes it last is integration.",
    "The first effects can be almost immediate; it does not cause weight gain, and there is rarely any pain.",
    "See doi:10.1001/jamapsychiatry.2019.1189 or 10.1176/appi.ajp.2018.1, PMID: 31166571,"
    " pubmed.ncbi.nlm.nih.gov/123456.",
    "Published in The Lancet Psychiatry, JAMA, NEJM, Nature Neuroscience and the Journal of Affective Disorders.",
    "A 2019 study, a trial published in 2020, Duman et al., and researchers at Yale agree; a team from Oxford too.",
    "Call (555) 019-4410 or 555.019.4410 for a free consultation; consultations are always free; consultation: free.",
    # mentions-6's rules of their own.
    "Most people feel improvement within a few days, and the antidepressant effects come as early as 4 hours after.",
    "The benefits can be lasting, with longer periods of relief; many remain symptom-free.",
    "See Brain Res. 2019;12(3):40-45 and Neurology Reports 3:1901, or Acta Psychiatrica volume 12.",
    "Authors: Roe, Jane; Doe, John. Smith AB, Jones C. A trial of infusions.",
    "Reach our office abroad on +44 2079460000 any weekday.",
    # mentions-8's rules of their own.
    "The benefits of one infusion can last up to two weeks; some stay depression-free for several months.",
    "A review in the journal Science, the Archives of General Psychiatry and Am J Psychiatry.",
    "A study from the University of Oslo, Moreno's pilot study; Dr. Rivera found more; NIMH-funded researchers agree.",
    # mentions-9's rules of their own.
    "See J. Psychopharmacol., 29, 12 and (Science 2019, p. 4).",
    "Arch Gen Psychiatry.",
    "Book a free intake phone call today.",
    # mentions-10's rules of their own.
    "We treat substance use disorder, alcoholism and opioid dependence; many adults with AUD.",
    "Eating disorders such as anorexia and binge eating; EDs in general.",
    "This review (2022) and the KINDLE Trial were funded by the Hope Foundation; Roe J. A paper, № 79, с. 133.",
    "Text 9-8-8 or phone 01632 960 123.",
]


def _texts() -> list[str]:
    """Sentences and paragraphs that mention things: labelled sentences, the demo posts, and
    variants of them in other cases and with the letters re.IGNORECASE treats as ASCII ones."""
    with open(REPO / "bench" / "data" / "mentions-labels.csv", newline="", encoding="utf-8") as handle:
        texts = [row["sentence"] for row in csv.DictReader(handle)] + EXAMPLES
    for site in demo_sites():
        for post in site.posts.values():
            texts += [sentence.text for sentence in split_sentences(body_text(post.body))]
    variants = []
    rng = random.Random(7)
    for text in texts:
        variants += [text.upper(), text.title(), text.swapcase()]
        variants.append(text.translate(str.maketrans({"i": "\u0131", "k": "\u212a", "s": "\u017f"})))
        variants.append(text.translate(str.maketrans({"I": "\u0130", "K": "\u212a", "S": "\u017f"})).upper())
        variants.append("".join(c.upper() if rng.random() < 0.5 else c for c in text))
    return texts + variants


# A concept with more than one rule (citation:study) is checked under a name for each: study, study#2, ...
FILTERED = {}
for _category, _rules in COMPILED.items():
    for _concept, _pattern, *_ in _rules:
        _name = _number = f"{_category}:{_concept}"
        _count = 1
        while _number in FILTERED:
            _count += 1
            _number = f"{_name}#{_count}"
        FILTERED[_number] = _pattern
FILTERED |= {"relevance:ketamine": KETAMINE, "relevance:plasticity": PLASTICITY, "relevance:competitors": COMPETITORS}


def test_mention_rules_are_filtered_with_their_own_literals():
    filters = [(concept, literals) for rules in COMPILED.values() for concept, _, literals, _ in rules]
    assert dict(filters)["metaplasticity"].literals == ("metaplastic",)
    # Only the phone number rule, all digits and separators, goes unfiltered (its rule of numbers
    # with a country's code needs a "+").
    assert [concept for concept, literals in filters if literals.literals is None] == ["phone"]


@pytest.mark.parametrize("name", FILTERED)
def test_the_filter_never_rules_out_a_text_the_pattern_matches(name):
    pattern = FILTERED[name]
    literals = LiteralFilter(pattern)
    texts = _texts()
    matched = [text for text in texts if pattern.search(text)]
    assert matched, f"{name}: no text of the test set matches; the test checks nothing"
    assert all(literals.may_match(text) for text in matched)
    # And it does rule texts out, which is what it is for.
    if literals.literals is not None:
        assert not all(literals.may_match(text) for text in texts)


def test_the_private_re_parser_reads_as_this_module_expects():
    # What required_literals reads of re._parser on the running Python, pinned: if a Python changes
    # it, this fails here rather than the filters silently growing weaker.
    from re import _constants, _parser

    data = _parser.parse("ab(?:cde|fgh)+i", 0).data
    assert [op for op, _ in data] == [_constants.LITERAL, _constants.LITERAL, _constants.MAX_REPEAT, _constants.LITERAL]
    low, _high, sub = data[2][1]
    assert low == 1 and [op for op, _ in sub.data] == [_constants.BRANCH]
    assert [[op for op, _ in branch.data] for branch in sub.data[0][1][1]] == [[_constants.LITERAL] * 3] * 2
    assert required_literals(re.compile("ab(?:cde|fgh)+i")) == frozenset({"cde", "fgh"})


@pytest.mark.parametrize("broken", [None, "no-parse-attribute"])
def test_without_the_private_parser_nothing_is_filtered_and_nothing_is_missed(monkeypatch, broken):
    import pipeline.required_text as required_text

    monkeypatch.setattr(required_text, "sre_parse", None if broken is None else object())
    pattern = FILTERED["mechanism:metaplasticity"]
    assert required_text.required_literals(pattern) is None
    literals = LiteralFilter(pattern)
    assert literals.literals is None
    assert all(literals.may_match(text) for text in _texts())
