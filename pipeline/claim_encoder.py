"""The relevance rule's second path: brain-change claims in wordings no lexicon foresees.

pipeline/brain_claims.py finds claims by their words; clinics also write "the brain is more
receptive to forming new patterns", "the depressed brain looks like a healthy one again",
"may alter markers of synaptic density". This path embeds a post's *candidate* sentences with
the shipped encoder (pipeline/sentence_model.py) and compares each with prototypes written
here: sentences that say ketamine changes the brain (POSITIVE, each with the concept it stands
for) and sentences that do not (NEGATIVE: receptor background, mechanism without change,
neurotoxicity, a psychosis model, another treatment's plasticity, logistics, what depression does
to the brain). A sentence is taken when its best positive similarity beats its best negative by
``MARGIN``, and only with the same attribution as the rule: not background or harm, not a
sentence whose nearest treatment is a rival.

Candidates: sentences that hold a brain word (brain, neuron, synapse, connection, pathway,
circuit, growth, healing...) and name ketamine, or "the treatment"/"it", or sit beside a sentence
that names ketamine: 3 a text on the dev split on average, so a post costs a few sentence
encodings. Treatment names are replaced by "ketamine" before embedding, in prototypes and
candidates alike: the encoder weighs the drug's name heavily, and without it every Spravato
sentence was nearest "Spravato restores connections" (dev split, 22 false alarms at margin 0 with
names kept, against 17 with names replaced and the second set of prototypes).

Tuned on the dev split of bench/data/real-relevance.csv only: see MARGIN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .brain_claims import (
    CLAUSE_END,
    COMPETITOR_WORD,
    COORDINATED,
    KETAMINE_WORD,
    NOT_A_CLAIM,
    TREATMENT_REFERENCE,
    pronoun_only,
    reference_owners,
)

# Dev split, the rule plus this path, by margin: 0.04 P 0.947 R 0.947; 0.06 P 0.978 R 0.947;
# 0.08 P 0.978 R 0.936; 0.10 P 0.977 R 0.915 (the rule alone: 1.000 / 0.904).
# Round 3, 5-fold CV on all 313 real texts (bench/relevance_cv.py --by hash): folds choose 0.06 four times
# and 0.08 once; left-out folds 0.985 / 0.964.
# Round 5, leave one labeller out (English texts): each left-out labeller's MARGIN chosen on the other three
# (0.08, 0.06, 0.06, 0.06) gives a mean of 0.963 / 0.948, against 0.963 / 0.953 at 0.06.
MARGIN = 0.06
# Fragments cut off by the ~2,000-character excerpts ("It also stimulates the heal") matched
# prototypes on their few words: two dev false alarms, both under 30 characters.
MIN_CHARS = 40

BRAIN_WORD = re.compile(
    r"brain|neur(?!opath)|synap|(?<!dis)connect|pathway|circuit|plastic|dendrit|\bgrow|regenerat|rewir|\bcells?\b|cortex|cortical"
    r"|\bmatter\b|network|bdnf|\bspines?\b|sinap|collegament|conexion|wiring|repair|\bheal(?!th)", re.IGNORECASE)
# "Disconnected" is how an experience feels, not a brain change (heldout2: the one candidate of a
# psychotherapy page, taken at margin 0.06).
# Runs of capitalised words are names ("The New Brain Institute"), whose brain word says nothing: on
# the corpus set, a TMS institute's list of services and a neuropathic-pain release were taken.
_NAME_RUN = re.compile(r"\b[A-Z][\w&'-]*(?:\s+[A-Z][\w&'-]*)+")
_NAME = re.compile(r"\b(?:es|ar)?ketamin[ea]\b|\bspravato\S*|\bkap\b|\bketamine-assisted therapy\b", re.IGNORECASE)

POSITIVE = (
    ("Ketamine promotes neuroplasticity in the brain.", "neuroplasticity"),
    ("Ketamine helps the brain grow new synapses.", "synaptogenesis"),
    ("Ketamine rebuilds connections between brain cells that depression has damaged.", "neural_connections"),
    ("The treatment helps neurons form new connections.", "neural_connections"),
    ("Ketamine rewires the brain and creates new neural pathways.", "rewiring"),
    ("Ketamine increases BDNF, which helps brain cells grow.", "bdnf"),
    ("Esketamine restores synaptic connections in the prefrontal cortex.", "synapses"),
    ("Ketamine reverses the shrinking of brain cells caused by chronic stress.", "brain_change"),
    ("After an infusion, the brain is more able to change and form new patterns.", "neuroplasticity"),
    ("Ketamine regenerates damaged neurons and their connections.", "brain_change"),
    ("Ketamine sparks the growth of dendritic spines.", "dendrites"),
    ("Ketamine opens a window of heightened plasticity in which the brain can learn new patterns.", "neuroplasticity"),
    ("Ketamine improves communication between different regions of the brain.", "neural_connections"),
    ("Ketamine heals the brain by repairing connections lost to depression.", "neural_connections"),
    ("Ketamine triggers a glutamate surge that leads to the growth of new synapses.", "synaptogenesis"),
    ("Ketamine resets brain circuits involved in mood.", "neural_connections"),
    ("Brain scans show that ketamine reactivates areas of the brain that were underactive in depression.", "brain_change"),
    ("Ketamine changes how brain networks connect, quieting the default mode network.", "neural_connections"),
    ("Ketamine increases the density of synapses.", "synapses"),
    ("Ketamine helps the brain heal and regrow.", "brain_change"),
    ("Ketamine-assisted therapy lets the brain break old patterns and build new ones.", "rewiring"),
    ("Ketamine restores the brain's capacity to change.", "neuroplasticity"),
    ("Ketamine stimulates neurogenesis and the birth of new brain cells.", "neurogenesis"),
    ("Ketamine strengthens weakened neural circuits.", "neural_connections"),
    ("Spravato works by helping restore connections between nerve cells.", "neural_connections"),
    ("Ketamine may alter the structure of the brain, increasing synaptic density.", "synapses"),
    ("Ketamine reverses the loss of connections between neurons seen in depression.", "neural_connections"),
    ("Ketamine boosts the brain's ability to form and reorganize synaptic connections.", "synapses"),
    ("Within hours of a dose, ketamine increases the number of connections between neurons.", "neural_connections"),
    ("Ketamine encourages the growth of new branches on nerve cells.", "dendrites"),
    ("Ketamine helps damaged brain circuits recover.", "neural_connections"),
    ("Brain imaging after ketamine shows the depressed brain beginning to look like a healthy one.", "brain_change"),
    ("Ketamine allows stuck patterns in the brain to loosen so new pathways can form.", "rewiring"),
    ("The brain becomes more flexible and adaptable after ketamine treatment.", "neuroplasticity"),
    ("Ketamine repairs the damage that chronic depression does to brain cells.", "brain_change"),
    ("Ketamine restores lost synapses within a day.", "synaptogenesis"),
    ("Ketamine reawakens dormant areas of the brain.", "brain_change"),
    ("Studies suggest ketamine changes synaptic density markers in people with addiction.", "synapses"),
    ("Ketamine increases neural growth factors that help neurons survive and sprout.", "bdnf"),
    ("During the days after a session, the brain is primed to form new connections.", "neural_connections"),
)

NEGATIVE = (
    "The NMDA receptor plays a role in synaptic plasticity and memory.",
    "Psilocybin promotes neuroplasticity and the growth of new connections.",
    "SSRIs increase BDNF over several weeks.",
    "High doses of ketamine can be neurotoxic and cause neuronal cell death.",
    "Ketamine is used to model psychosis and schizophrenia in healthy volunteers.",
    "Ketamine is an anesthetic that blocks NMDA receptors.",
    "Your infusion takes about forty minutes and you will be monitored.",
    "Insurance does not usually cover ketamine treatment.",
    "Depression is associated with a loss of synapses and shrinking of brain regions.",
    "Neuroplasticity is the brain's ability to change throughout life.",
    "Exercise and meditation also support neuroplasticity.",
    "Ketamine can cause dissociation, nausea and increased blood pressure.",
    "TMS uses magnetic pulses to stimulate nerve cells in the brain.",
    "Ketamine abuse damages the bladder and impairs memory.",
    "Call our clinic to book a consultation for ketamine therapy.",
    "Ketamine works quickly, often within hours, for treatment-resistant depression.",
    "Chronic stress damages neurons in the hippocampus.",
    "The brain is made up of billions of neurons connected by synapses.",
    "Ketamine was first approved as an anesthetic in 1970.",
    "Electroconvulsive therapy changes brain connectivity.",
    "Ketamine affects how the brain processes pain signals.",
    "Ketamine is a nasal spray given under the supervision of a healthcare professional in a certified setting.",
    "Ketamine increases glutamate, the most abundant neurotransmitter in the brain.",
    "Ketamine works on glutamate, a chemical that helps brain cells communicate.",
    "Glutamate is a neurotransmitter that signals cells in the brain.",
    "Ketamine works on the brain differently from other antidepressants.",
    "The effect of ketamine on the brain wears off after a few hours.",
    "Ketamine binds to receptors and influences how neurons fire.",
    "Ketamine reduced connectivity in healthy volunteers, mimicking psychosis.",
    "Exposure to ketamine harms the developing brain of newborn animals.",
    "Ketamine can be a powerful tool for healing when combined with preparation and integration.",
    "This article reviews theories of how antidepressants act.",
    "How does ketamine affect the brain?",
    "Ketamine stimulates some parts of the brain and inhibits others.",
    "Ketamine shuts down circuits in the brain related to reward.",
    "Our clinic offers ketamine treatment in a calm, supervised setting.",
    "Psychiatry is searching for new treatments because existing ones have failed many patients.",
    "Ketamine produces anesthesia by depressing activity in the cortex and reducing sensation.",
    "Biochemical changes explain the first relief, but the psychological experience matters too.",
    "Ketamine acts on many brain cells at the same time.",
    "Ketamine is used in veterinary medicine as an anesthetic for animals.",
    "Integration sessions help you make sense of your ketamine experience.",
    "Ketamine was studied for depression in a randomized controlled trial.",
    "Ketamine is believed to work by altering brain chemistry.",
    "Serotonin is a neurotransmitter that nerve cells reabsorb after it is released.",
    "Researchers measured brain connectivity with functional MRI before and after the drug.",
    "Ketamine can become addictive and is misused as a party drug.",
    "Depression changes the brain, shrinking the hippocampus.",
    # Round 5 (heldout3 and heldout4 false alarms): a receptor action with relief, inflammation, protection
    # from injury, transmission measured in the laboratory.
    "Ketamine acts on NMDA receptors in your brain, giving fast relief from depression.",
    "Ketamine lowers inflammation in the brain, which may add to its effect on mood.",
    "Ketamine may protect nerve cells from injury after a stroke or head trauma.",
    "In brain slices, ketamine changed synaptic transmission in a different way.",
)


@dataclass(frozen=True)
class EncodedClaim:
    sentence: str
    margin: float  # best positive similarity minus best negative similarity
    prototype: str  # the nearest positive prototype
    concept: str  # the concept that prototype stands for
    via: str  # what ties it to ketamine: "sentence", "reference" or "context" (as pipeline.brain_claims.Claim)


def normalised(sentence: str) -> str:
    """Treatment names as "ketamine": the encoder judges what is said, the rule who says it of whom."""
    return _NAME.sub("ketamine", sentence)


def _ketamine_clause(line: str) -> bool:
    """Whether a clause of the line (split as pipeline.brain_claims splits them) holds a brain word and
    names ketamine but no rival."""
    return any(BRAIN_WORD.search(clause) and KETAMINE_WORD.search(clause) and not COMPETITOR_WORD.search(clause)
               for clause in CLAUSE_END.split(line))


def candidates(lines: list[str]) -> list[tuple[str, str]]:
    """(sentence, via) of the lines worth embedding: a brain word, attributable to ketamine. An empty
    line is a paragraph break, which ends a neighbour's context (as in pipeline.brain_claims)."""
    found = []
    owners = reference_owners(lines)
    for i, line in enumerate(lines):
        if len(line) < MIN_CHARS or not BRAIN_WORD.search(_NAME_RUN.sub("", line)) or NOT_A_CLAIM.search(line):
            continue
        if KETAMINE_WORD.search(line):
            if COMPETITOR_WORD.search(line) and not COORDINATED.search(line) and not _ketamine_clause(line):
                # "ECT increases plasticity, while ketamine is newer": the brain words sit in the
                # rival's clause, and names are all "ketamine" to the encoder (see normalised).
                continue
            # Ketamine named in the sentence, even beside a rival ("ketamine and psychedelics may
            # alter markers of synaptic density"): the prototypes, all about ketamine, judge it.
            via = "sentence"
        elif COMPETITOR_WORD.search(line):
            continue
        elif TREATMENT_REFERENCE.search(line):
            if owners[i] == "other" and pronoun_only(line):
                continue  # "it" is the rival named last (pipeline.brain_claims.reference_owners)
            via = "reference"
        elif any(KETAMINE_WORD.search(near) and not COMPETITOR_WORD.search(near) for near in lines[max(0, i - 1):i + 2]):
            # A neighbour naming a rival too ("Like ketamine, psilocybin may...") does not tie it.
            via = "context"
        else:
            continue
        found.append((line, via))
    return found


class PrototypeScorer:
    def __init__(self, model):
        self.model = model
        self.positive = model.encode([normalised(text) for text, _ in POSITIVE])
        self.negative = model.encode([normalised(text) for text in NEGATIVE])

    def claims(self, lines: list[str]) -> list[EncodedClaim]:
        """The candidate lines whose margin clears MARGIN, best first."""
        found = candidates(lines)
        if not found:
            return []
        vectors = self.model.encode([normalised(sentence) for sentence, _ in found])
        positive, negative = vectors @ self.positive.T, vectors @ self.negative.T
        claims = []
        for (sentence, via), pos, neg in zip(found, positive, negative):
            margin = float(pos.max() - neg.max())
            if margin >= MARGIN:
                text, concept = POSITIVE[int(np.argmax(pos))]
                claims.append(EncodedClaim(sentence, round(margin, 4), text, concept, via))
        return sorted(claims, key=lambda claim: -claim.margin)


_SCORER: PrototypeScorer | None = None


def encoded_claims(lines: list[str]) -> list[EncodedClaim]:
    """Claims found by the encoder path; the model and prototypes load on first use."""
    global _SCORER
    if _SCORER is None:
        from .sentence_model import shared_model

        _SCORER = PrototypeScorer(shared_model())
    return _SCORER.claims(lines)
