"""Parsed references as Reference rows: keys, types and what does not fit."""

import pytest

from health_articles.references.csl import TYPES
from health_articles.references.formats.bibtex import CSL_TO_BIBTEX
from health_articles.references.formats.ris import CSL_TO_RIS
from health_articles.references.parsed import ParsedReference
from health_articles.references.parser import parse_references
from health_articles.references.rows import references_from_parsed

pytestmark = pytest.mark.django_db


def test_keys_are_made_unique_once_against_the_article_s_own():
    parsed = parse_references(
        "Smith J. One. Lancet. 2020;1:1.\n\nSmith J. Two. Lancet. 2020;1:2."
    )
    assert [entry.csl["id"] for entry in parsed] == ["smith2020a", "smith2020b"]
    rows = references_from_parsed(parsed, {"smith2020", "smith2020a"})
    # From the same stem as a list of their own, not "smith2020aa".
    assert [row.key for row in rows] == ["smith2020b", "smith2020c"]


def test_free_text_is_cut_to_fit_but_an_identifier_is_left_out_and_noted():
    long_doi = "10.1000/" + "x" * 300
    parsed = ParsedReference(
        csl={"id": "long2020", "type": "book", "title": "T" * 600, "DOI": long_doi},
        raw_text="A reference with a long title and DOI.",
    )
    [row] = references_from_parsed([parsed])
    assert row.title == "T" * 500
    assert row.doi == ""
    assert f"doi: {long_doi!r} left out" in row.review_note


def test_a_type_the_model_lacks_becomes_the_default():
    parsed = ParsedReference(
        csl={"id": "x", "type": "song", "title": "A"}, raw_text="A"
    )
    [row] = references_from_parsed([parsed])
    assert row.csl_type == "article-journal"


def test_every_reference_type_has_a_bibtex_and_a_ris_type():
    assert set(CSL_TO_BIBTEX) == set(TYPES)
    assert set(CSL_TO_RIS) == set(TYPES)
