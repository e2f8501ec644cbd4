"""The relevance rule's encoder path (pipeline/claim_encoder.py, pipeline/sentence_model.py).
Texts written for these tests."""

import subprocess
import sys

import numpy as np
import pytest

from pipeline import relevance
from pipeline.claim_encoder import candidates
from pipeline.relevance import assess_relevance, explanation

CLINIC = "Ketamine infusions are offered at our clinic."
# No lexicon word for the change: the rule alone does not take it.
QUIET_AREAS = ("", f"{CLINIC}\n\nImaging studies suggest that after a few ketamine treatments, brain areas that had "
                   "gone quiet in depression start working again.")
LOGISTICS = ("", f"{CLINIC}\n\nA ketamine infusion takes about forty minutes, and the nurse checks how your brain "
                 "and body feel before you go home.")
RIVAL = ("", f"{CLINIC}\n\nPsilocybin may leave the brain open to forming new patterns for weeks after a single dose.")


def test_the_encoder_takes_a_wording_the_rule_misses_and_says_so(monkeypatch):
    result = assess_relevance(*QUIET_AREAS)
    assert result.is_relevant and 0.5 <= result.score <= 1
    taken = [claim for claim in result.claims if claim.path == "encoder"]
    assert taken and taken[0].via == "sentence" and "gone quiet" in taken[0].sentence
    assert result.concepts == ("ketamine", "brain_change")
    # relevance-check says which path took the sentence.
    assert f"  claim (encoder, sentence, brain_change): {taken[0].sentence}" in explanation(result)
    monkeypatch.setattr(relevance, "ENCODER_PATH", False)
    assert not assess_relevance(*QUIET_AREAS).is_relevant


@pytest.mark.parametrize("post", [LOGISTICS, RIVAL], ids=["logistics", "rival"])
def test_the_encoder_does_not_take_logistics_or_a_rival_treatments_change(post):
    result = assess_relevance(*post)
    assert not result.is_relevant and not [claim for claim in result.claims if claim.path == "encoder"]


def test_candidates_skip_names_fragments_and_rivals():
    lines = ["The New Brain Institute offers ketamine therapy and medication management for adults.",
             "It also stimulates the heal",
             "Psilocybin helps neurons grow new branches, a study in mice found.",
             "Ketamine helps the brain recover from the damage of chronic stress."]
    assert candidates(lines) == [(lines[3], "sentence")]


def test_the_relevance_model_is_the_summaries_int8_model_without_torch():
    from pipeline.sentence_model import shared_model
    from summaries.embeddings import SentenceEncoder

    model, encoder = shared_model(), SentenceEncoder(runtime="onnx-int8")
    sentences = ["Ketamine helps the brain grow new synapses.", "Insurance rarely covers it."]
    assert model.path == encoder._onnx.path
    assert np.array_equal(model.encode(sentences), encoder.encode(sentences))
    assert np.array_equal(model.encode(sentences), model.encode(sentences))
    # A crawl whose int8 model is cached never imports torch to judge relevance.
    code = ("import sys; from pipeline.relevance import assess_relevance; "
            f"assert assess_relevance(*{QUIET_AREAS!r}).is_relevant; assert 'torch' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_change_said_of_ketamine_and_a_rival_together_is_said_of_ketamine(monkeypatch):
    monkeypatch.setattr(relevance, "ENCODER_PATH", False)
    both = ("Ketamine and psilocybin compared", "Our clinic offers ketamine for depression; some patients ask about "
            "psilocybin.\n\nKetamine and psilocybin both promote neuroplasticity in the prefrontal cortex.")
    result = assess_relevance(*both)
    assert result.is_relevant and result.claims[0].via == "sentence"
    rival_only = (both[0], both[1].replace("Ketamine and psilocybin both promote", "Psilocybin promotes"))
    assert not assess_relevance(*rival_only).is_relevant


def test_ketamine_reversing_the_changes_just_described_is_a_claim(monkeypatch):
    monkeypatch.setattr(relevance, "ENCODER_PATH", False)
    text = ("Depression leaves its mark. In people with long depression, connections between brain cells weaken. "
            "These changes make it harder to feel pleasure. Ketamine can quickly reverse these changes.")
    result = assess_relevance("Ketamine for depression", text)
    assert result.is_relevant and result.claims[-1].change == "reverse these changes"
    # Without a brain change just before, "these changes" says nothing of the brain.
    elsewhere = "Depression leaves its mark on sleep and appetite.\n\nKetamine can quickly reverse these changes."
    assert not assess_relevance("Ketamine for depression", elsewhere).claims
