"""The learned reference labeller: the shipped model, its scores on
AnyStyle's held-out set, and training that gives the same model twice."""

import xml.etree.ElementTree as ElementTree

from health_articles.references import sequence, training
from health_articles.references.learned import from_segments, read


def test_the_model_is_loaded_once():
    assert sequence.tagger() is sequence.tagger()


def test_an_ieee_reference_is_labelled_part_by_part():
    segments = sequence.label(
        "Y. LeCun, Y. Bengio, and G. Hinton, “Deep learning,” Nature, "
        "vol. 521, no. 7553, pp. 436–444, May 2015."
    )
    assert [segment.label for segment in segments] == [
        "author",
        "title",
        "journal",
        "volume",
        "pages",
        "date",
    ]
    assert all(0 < segment.confidence <= 1 for segment in segments)
    csl, confidence = read(" ".join(segment.text for segment in segments))
    assert [name["family"] for name in csl["author"]] == ["LeCun", "Bengio", "Hinton"]
    assert (csl["volume"], csl["issue"], csl["page"]) == ("521", "7553", "436-444")
    assert set(confidence) >= {"author", "title", "container-title"}


def test_token_labels_on_anystyles_held_out_set():
    """Weighted F1 of the token labels on AnyStyle's gold set, never trained on."""
    gold = training.read_sequences(training.DATA / f"{training.HELD_OUT}.xml")
    scores = training.label_scores(gold)
    total = sum(count for *_, count in scores.values())
    weighted = sum(f1 * count for *_, f1, count in scores.values()) / total
    assert weighted >= 0.97
    for label in ("author", "title", "date", "pages"):
        assert scores[label][2] >= 0.95, label


def _small_copy(source, target, count):
    root = ElementTree.parse(source).getroot()  # noqa: S314 (the project's own file)
    for sequence_element in list(root)[count:]:
        root.remove(sequence_element)
    ElementTree.ElementTree(root).write(target, encoding="utf-8")


def test_training_gives_the_same_model_from_the_same_data(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    for name in training.TRAINING_SETS:
        _small_copy(training.DATA / f"{name}.xml", data / f"{name}.xml", 40)
    _small_copy(training.OWN, tmp_path / "own.xml", 10)
    monkeypatch.setattr(training, "OWN", tmp_path / "own.xml")
    monkeypatch.setitem(training.SETTINGS, "max_iterations", 30)
    first, second = tmp_path / "first.crfsuite", tmp_path / "second.crfsuite"
    training.train(data, first)
    training.train(data, second)
    assert first.read_bytes() == second.read_bytes()


def test_a_publisher_segment_with_its_place_is_split():
    csl, _ = from_segments(
        [
            sequence.Segment("title", "Pain management.", 1.0),
            sequence.Segment(
                "publisher", "Washington (DC): National Academies Press;", 1.0
            ),
        ]
    )
    assert csl["publisher"] == "National Academies Press"
    assert csl["publisher-place"] == "Washington (DC)"
