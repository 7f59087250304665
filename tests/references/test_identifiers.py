import pytest

from health_articles.references import identifiers
from health_articles.references.identifiers import normalise_isbn


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("10.1136/bmj.l185", "10.1136/bmj.l185"),
        ("doi:10.1136/bmj.l185", "10.1136/bmj.l185"),
        ("doi: 10.1016/j.joca.2012.12.014.", "10.1016/j.joca.2012.12.014"),
        ("https://doi.org/10.1002/art.24010", "10.1002/art.24010"),
        ("http://dx.doi.org/10.1002/art.24010;", "10.1002/art.24010"),
        ("  10.1016/S0140-6736(18)30480-X ", "10.1016/S0140-6736(18)30480-X"),
    ],
)
def test_doi_is_normalised(raw, doi):
    assert identifiers.normalise_doi(raw) == doi


@pytest.mark.parametrize("raw", ["", "11.1000/x", "10.12/x", "10.1136", "bmj.l185"])
def test_malformed_doi_is_refused(raw):
    with pytest.raises(ValueError, match="is not a DOI"):
        identifiers.normalise_doi(raw)


def test_pmid_and_pmcid_are_normalised():
    assert identifiers.normalise_pmid("PMID: 23313532.") == "23313532"
    assert identifiers.normalise_pmcid("8022067") == "PMC8022067"
    assert identifiers.normalise_pmcid("pmcid: pmc8022067") == "PMC8022067"
    for bad in ("0", "1234567890", "12a"):
        with pytest.raises(ValueError, match="PubMed ID"):
            identifiers.normalise_pmid(bad)
    with pytest.raises(ValueError, match="PubMed Central ID"):
        identifiers.normalise_pmcid("PMC")


def test_normalise_isbn_checks_the_check_digit():
    assert normalise_isbn("9780374275631") == "978-0-374-27563-1"
    assert normalise_isbn("ISBN 0-374-27563-7") == "0-374-27563-7"
    with pytest.raises(ValueError, match="is not an ISBN"):
        normalise_isbn("978-0-374-27563-2")
