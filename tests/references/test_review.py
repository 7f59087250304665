"""Review flags: which fields of a parsed reference ``needs_review`` names,
from the learned labeller's marginal probabilities (``review.py``), and the
review model fitted on cross-validation (``training.py``)."""

import json
import random

import pytest

from health_articles.references import parser, review, sequence, training
from health_articles.references.parser import (
    PREPRINT_SETTLES,
    parse_reference,
    parse_references,
)

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


# An IEEE reference the rules do not read (the model's reading is kept).
IEEE = (
    "J. Schmidhuber, \u201cDeep learning in neural networks: An overview,\u201d "
    "Neural Netw., vol. 61, pp. 85\u2013117, Jan. 2015."
)


@pytest.mark.parametrize(
    ("text", "label", "variable"),
    [
        (IEEE, "title", "title"),
        (IEEE, "author", "author"),
        (IEEE, "pages", "page"),
        (CLEAN[0], "author", "author"),
    ],
)
def test_a_field_the_model_is_unsure_of_is_named(monkeypatch, text, label, variable):
    """The same clean reference, but the model's marginal probability for
    the tokens of one field is low: that field is named, with how sure the
    model is."""
    assert parse_references(text)[0].needs_review == []
    unsure = UnsureOf(sequence.tagger(), label, 0.1)
    monkeypatch.setattr(sequence, "tagger", lambda: unsure)
    (parsed,) = parse_references(text)
    entries = {e.split(":")[0]: e for e in parsed.needs_review}
    assert variable in entries
    assert "10% sure" in entries[variable]


def test_the_less_sure_the_model_the_likelier_a_field_is_wrong(monkeypatch):
    """Where the rules' reading is kept (a clean Vancouver reference), the
    model's marginals still weigh in: the less sure it is of the title's
    tokens, the likelier the review model finds the title wrong."""
    real = sequence.tagger()
    likely = []
    for sure in (1.0, 0.3, 0.1):
        tagger = UnsureOf(real, "title", sure) if sure < 1 else real
        monkeypatch.setattr(sequence, "tagger", lambda tagger=tagger: tagger)
        inputs: dict = {}
        parse_reference(CLEAN[0], inputs)
        likely.append(review.probability("title", inputs["title"]))
    assert likely[0] < likely[1] < likely[2]
    assert likely[2] > 10 * likely[0]


def test_shape_doubts_name_what_a_field_should_not_hold():
    """The checks that name a field on their own: a group's name split into
    persons, a designator left in a title, a publisher or a place read into
    a container, a conference's proceedings typed as a book."""
    doubts = review.shape_doubts(
        {
            "type": "chapter",
            "author": [
                {"family": "National Heart", "given": "Lung"},
                {"family": "Institute", "given": "Blood"},
            ],
            "title": "Recherches sur les substances radioactives [th\u00e8se]",
            "container-title": "Proc. Annu. Symp., Las",
        },
        "",
    )
    fields = [entry.split(":")[0] for entry in doubts]
    assert fields == ["author", "title", "container-title", "type"]
    assert "\u201cNational\u201d" in doubts[0]
    assert "\u201cLas\u201d" in doubts[2]
    (publisher,) = review.shape_doubts(
        {
            "type": "book",
            "container-title": "The Interpretation of Cultures, Basic Books",
            "publisher": "Basic Books",
        },
        "",
    )
    assert publisher.startswith("container-title: holds \u201cBooks\u201d")
    bracketed = review.shape_doubts(
        {
            "container-title": "Proc. Adv. Neural Inf. Process. Syst",
            "publisher-place": "NeurIPS",
        },
        "in Proc. Adv. Neural Inf. Process. Syst. (NeurIPS), 2014",
    )
    assert [entry.split(":")[0] for entry in bracketed] == ["container-title"]
    # A group's name read whole, and an ordinary article, raise none.
    assert (
        review.shape_doubts(
            {
                "type": "article-journal",
                "author": [{"literal": "National Heart, Lung, and Blood Institute"}],
                "title": "Exercise for hip osteoarthritis",
                "container-title": "BMJ",
                "publisher-place": "Bethesda (MD)",
            },
            "",
        )
        == []
    )


def test_a_preprint_whose_server_is_found_is_not_said_to_lack_a_container():
    (parsed,) = parse_references(
        "A. Writer and B. Other, \u201cA study of things,\u201d 2021, arXiv:2101.00001."
    )
    assert parsed.csl["container-title"] == "arXiv"
    assert not [e for e in parsed.needs_review if e.startswith(PREPRINT_SETTLES)]


def test_one_table_of_compared_variables():
    assert (
        tuple(v for v in review.COMPARED if v not in review.UNMEASURED)
        == review.VARIABLES
    )
    assert not hasattr(parser, "COMPARED")


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
    # ... and never the other way round: those inputs' weights are not
    # negative, nor the reference model's for how likely its fields are wrong.
    for by_reader in fitted["weights"].values():
        for weights in by_reader.values():
            assert all(weights[index] >= 0 for index in review.UNSURE)
    assert all(fitted["reference"][index] >= 0 for index in review.LIKELIER)


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
