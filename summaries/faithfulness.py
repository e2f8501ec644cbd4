"""Does a generated summary name anything its post does not? Numbers, names and drug names.

A generative model can write a fluent sentence with a dose, a year, a researcher or a drug
that the post never mentions: the one thing a researcher quoting clinics must not get. The
check is deliberately strict: a summary that fails it is replaced by the post's extractive
summary (always faithful), so a false alarm costs some fluency and a miss costs the truth.

- Numbers: every number in the summary, in digits or words ("six", "40 percent"), must be a
  number of the post, in digits or words.
- Names: every capitalized word or acronym must be a word of the post (any case). A
  sentence's first word is exempt only when it is a common function word ("The", "This").
- Drug names: words of a list of psychiatric and common drugs, or with a drug-name ending
  (-oxetine, -azepam, -apine, ...), must be words of the post, capitalized or not.
"""

from __future__ import annotations

import re

NUMBER_WORDS = {
    # "one" is left out: far more often a pronoun ("one of the ...") than a count.
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
    "million": 1_000_000, "billion": 1_000_000_000, "dozen": 12,
}
DIGITS = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?")
WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*[A-Za-z]|[A-Za-z]")
SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n)[\"'(\u201c\u2018]*$")

# Capitalized at the start of a sentence for grammar's sake only.
FUNCTION_WORDS = frozenset("""
a an the this that these those it its they their them there here he she his her we our you your i
in on at of for from by with without about after before during between into over under through
and but or nor so yet if when while where because although though since unless as than then
however moreover also still even such both each every all some many most more few no not
according overall ultimately instead finally first second third while what which who whom whose how why
can could may might must should would will shall do does did is are was were be been being has have had
""".split())

DRUG_NAMES = frozenset("""
ketamine esketamine arketamine spravato ketalar psilocybin psilocin mdma lsd dmt ayahuasca ibogaine mescaline
lithium ssri ssris snri snris maoi maois tca tcas bupropion wellbutrin trazodone vortioxetine vilazodone
sertraline zoloft fluoxetine prozac escitalopram lexapro citalopram celexa paroxetine paxil fluvoxamine
venlafaxine effexor desvenlafaxine duloxetine cymbalta mirtazapine amitriptyline nortriptyline imipramine
clomipramine phenelzine tranylcypromine selegiline quetiapine seroquel olanzapine aripiprazole abilify
risperidone lurasidone brexpiprazole cariprazine clozapine lamotrigine valproate gabapentin pregabalin
buprenorphine methadone naltrexone naloxone suboxone fentanyl morphine oxycodone hydrocodone opioid opioids
benzodiazepine benzodiazepines diazepam valium lorazepam ativan alprazolam xanax clonazepam klonopin
zolpidem ambien propofol midazolam dexmedetomidine nitrous scopolamine zuranolone brexanolone zurzuvae
dextromethorphan auvelity memantine riluzole rapastinel stimulants amphetamine methylphenidate adderall
ritalin modafinil cannabis cbd thc marijuana alcohol nicotine caffeine ondansetron clonidine
""".split())
DRUG_ENDING = re.compile(
    r"(?:oxetine|triptyline|ipramine|afaxine|azepam|azolam|apine|idone|piprazole|ketamine|amphetamine|codone"
    r"|morphone|prazole|sartan|vastatin|barbital|olol|[a-z]{3}pril|[a-z]{5}mab)$"
)


TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
UNITS = "one|two|three|four|five|six|seven|eight|nine"
COMPOUND = re.compile(rf"\b({TENS})[- ]({UNITS})\b")
UNIT_VALUES = {word: value for value, word in enumerate(UNITS.split("|"), start=1)}


def number_mentions(text: str) -> list[tuple[str, float]]:
    """The numbers of a text as written, in order, with their values: "24", "1,000", "six", "twenty-four"."""
    found = [(match.start(), match.group(), float(match.group().replace(",", ""))) for match in DIGITS.finditer(text)]
    lower = text.lower()
    in_compounds = set()
    for match in COMPOUND.finditer(lower):
        tens, unit = match.groups()
        found.append((match.start(), text[match.start():match.end()], NUMBER_WORDS[tens] + UNIT_VALUES[unit]))
        in_compounds.update((match.start(), match.start() + len(tens) + 1))
    for match in re.finditer(r"[a-z]+", lower):
        if match.group() in NUMBER_WORDS and match.start() not in in_compounds:
            found.append((match.start(), text[match.start():match.end()], NUMBER_WORDS[match.group()]))
    return [(written, value) for _, written, value in sorted(found)]


def normal_form(word: str) -> str:
    """Lower case, without a possessive or a plural s, so "Smith's" matches "Smith" and "SSRIs" "SSRI"."""
    word = word.lower().replace("\u2019", "'")
    word = word.removesuffix("'s").rstrip("'")
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def words_of(text: str) -> set[str]:
    forms = set()
    for word in WORD.findall(text):
        forms.add(normal_form(word))
        forms.update(normal_form(part) for part in word.split("-"))  # "BDNF-driven" has "BDNF"
    return forms


def is_drug(word: str) -> bool:
    lower = word.lower()
    return lower in DRUG_NAMES or normal_form(word) in DRUG_NAMES or bool(DRUG_ENDING.search(lower))


def looks_like_name(text: str, match: re.Match) -> bool:
    word = match.group()
    if not word[0].isupper() and sum(c.isupper() for c in word) < 2:
        return False
    at_sentence_start = bool(SENTENCE_START.search(text[:match.start()]))
    return not (at_sentence_start and word.lower() in FUNCTION_WORDS)


def unsupported_details(summary: str, post: str) -> dict[str, list[str]]:
    """What the summary names that the post does not, by kind: numbers, names, drug names."""
    post_numbers = {value for _, value in number_mentions(post)}
    post_words = words_of(post)
    missing: dict[str, list[str]] = {"numbers": [], "names": [], "drug names": []}
    missing["numbers"] = [written for written, value in number_mentions(summary) if value not in post_numbers]
    for match in WORD.finditer(summary):
        word = match.group()
        parts = [normal_form(part) for part in word.split("-")]
        if all(part in NUMBER_WORDS or part in post_words for part in parts) or normal_form(word) in post_words:
            continue
        if is_drug(word):
            missing["drug names"].append(word)
        elif looks_like_name(summary, match):
            missing["names"].append(word)
    return {kind: list(dict.fromkeys(items)) for kind, items in missing.items() if items}


def fallback_reason(summary: str, post: str) -> str | None:
    """Why the summary may not stand for the post, or None when it may."""
    if not summary.strip():
        return "the model wrote nothing"
    missing = unsupported_details(summary, post)
    if not missing:
        return None
    return "; ".join(f"{kind} absent from the post: {', '.join(items)}" for kind, items in missing.items())
