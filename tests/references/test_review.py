"""Review flags: which fields of a parsed reference ``needs_review`` names,
from the learned labeller's marginal probabilities (``review.py``), and the
review model fitted on cross-validation (``training.py``)."""

import json
import random

import pytest

from health_articles.references import review, sequence, training
from health_articles.references.parser import parse_references

CLEAN = [
    "Nguyen T, Hall M, Oakes B. Exercise for hip osteoarthritis: a randomised "
    "trial. BMJ. 2021;372:n101.",
    "Gupta A, Shah R. Knee osteoarthritis in India. Indian J Orthop. "
    "2019;53(2):233-9. doi:10.4103/ortho.IJOrtho_1_19",
    "Brown, A. (2018). Running injuries in novice runners. Journal of Sports "
    "Sciences, 36(4), 401-409.",
]


@pytest.mark.parametrize("text", CLEAN)
def test_an_entirely_clean_reference_is_not_flagged(text):
    (parsed,) = parse_references(text)
    assert parsed.needs_review == []


class UnsureOf:
    """The shipped tagger, but unsure of the tokens it labels ``label``: it
    gives them that label with marginal probability ``probability``, and a
    note the rest."""

    def __init__(self, tagger, label, probability):
        self.tagger = tagger
        self.label, self.sure = label, probability

    def tag(self, items):
        self.labels = self.tagger.tag(items)
        return self.labels

    def marginal(self, name, index):
        if self.labels[index] == self.label:
            return {self.label: self.sure, "note": 1 - self.sure}.get(name, 0.0)
        return self.tagger.marginal(name, index)

    def __getattr__(self, name):
        return getattr(self.tagger, name)


def test_a_field_the_model_is_unsure_of_is_named(monkeypatch):
    """The same clean reference, but the model's marginal probability for its
    title tokens is low: the title is named, with how sure the model is."""
    text = CLEAN[0]
    assert parse_references(text)[0].needs_review == []
    unsure = UnsureOf(sequence.tagger(), "title", 0.1)
    monkeypatch.setattr(sequence, "tagger", lambda: unsure)
    (parsed,) = parse_references(text)
    assert parsed.csl["title"].startswith("Exercise for hip osteoarthritis")
    entries = {e.split(":")[0]: e for e in parsed.needs_review}
    assert "title" in entries
    assert "10% sure" in entries["title"]
    assert "author" not in entries


def test_a_field_the_model_reads_otherwise_is_named_with_its_reading():
    (parsed,) = parse_references(
        "Hicks BL, Lam JC. Hip pain. 2022 Sep 4. In: StatPearls [Internet]. "
        "Treasure Island (FL): StatPearls Publishing; 2024 Jan-."
    )
    entries = {e.split(":")[0]: e for e in parsed.needs_review}
    assert entries["title"].startswith("title: the learned model reads it as \u201c")


def test_entries_name_a_field_and_say_why():
    texts = [
        *CLEAN,
        "Jones P. Hip replacement outcomes 1990-2010 in Denmark 2011 Copenhagen "
        "University Press.",
        "World Health Organization, Department of Ageing. Hip fractures, global "
        "report 2019, Geneva.",
    ]
    variables = set(review.VARIABLES) | {"editor", "DOI", "PMID", "PMCID", "ISBN"}
    for parsed in parse_references("\n\n".join(texts)):
        for entry in parsed.needs_review:
            field, _, reason = entry.partition(": ")
            assert field in variables, entry
            assert len(reason) >= 10, entry
        fields = [entry.split(":")[0] for entry in parsed.needs_review]
        assert len(fields) == len(set(fields)), "a field is named once"


FITTED = {
    # Reference model: wrong when any field is at least 50% likely wrong.
    "reference": [-4.0, *[0.0] * len(review.VARIABLES), 8.0, 0.0, 0.0],
    "reference threshold": 0.5,
    "field threshold": 0.2,
}


def test_fields_are_named_only_where_the_reference_is_doubted():
    sure = {"title": 0.1, "author": 0.15, "volume": 0.01}
    assert review.named(sure, False, FITTED, 0.5, 0.2) == set()
    # Where the readers already doubt the reference, the likely fields are
    # named (it is checked anyway).
    assert review.named({**sure, "page": 0.3}, True, FITTED, 0.5, 0.2) == {"page"}
    doubtful = {"title": 0.9, "author": 0.25, "volume": 0.01}
    assert review.named(doubtful, False, FITTED, 0.5, 0.2) == {"title", "author"}
    assert review.named({}, False, FITTED, 0.5, 0.2) == set()


def test_the_shipped_review_model_fits_the_code_and_was_fitted_on_folds():
    fitted = json.loads(review.MODEL_PATH.read_text(encoding="utf-8"))
    assert fitted["features"] == list(review.FEATURES)
    assert fitted["reference features"] == list(review.REFERENCE_FEATURES)
    assert set(fitted["weights"]) == set(review.VARIABLES)
    for by_reader in fitted["weights"].values():
        assert set(by_reader) == {"rules", "model"}
        assert all(len(w) == len(review.FEATURES) for w in by_reader.values())
    folds = fitted["measured on"]["folds"]
    assert folds["entirely right references flagged"] <= training.FLAGGED_RIGHT
    assert 0 < fitted["field threshold"] < fitted["reference threshold"] < 1
    # The model's marginal probabilities weigh in: the less sure the
    # labeller is of a field, the likelier it is wrong.
    unsure = review.FEATURES.index("model unsure")
    for variable in ("author", "title", "container-title", "page"):
        assert fitted["weights"][variable]["model"][unsure] > 0, variable


def _cases(seed):
    """Synthetic review cases, half of them read by the model: a field is
    wrong when its third input is high."""
    generator = random.Random(seed)  # noqa: S311 (test data)
    cases = []
    for index in range(300):
        inputs, wrong = {}, set()
        for variable in review.VARIABLES:
            values = [1.0, float(index % 2)]
            values += [generator.random() for _ in review.FEATURES[2:]]
            inputs[variable] = values
            if values[2] > 0.9:
                wrong.add(variable)
        cases.append(
            {
                "wrong": wrong,
                "flagged": set(),
                "inputs": inputs,
                "development": index % 10 == 0,
            }
        )
    return cases


def test_fitting_the_review_model_is_reproducible():
    first = training.fit_review(_cases(1))
    second = training.fit_review(_cases(1))
    assert json.dumps(first) == json.dumps(second)
    for variable in review.VARIABLES:
        for weights in first["weights"][variable].values():
            assert weights[2] > 1, "the telling input is learned"
    folds = first["measured on"]["folds"]
    assert folds["entirely right references flagged"] <= training.FLAGGED_RIGHT
