import pytest

from health_articles.references import csl, formatting, identifiers


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


def test_authors_become_csl_names():
    assert csl.parse_authors("Abbott, J H\n\nMOA Trial team\nCher, \n") == [
        {"family": "Abbott", "given": "J H"},
        {"literal": "MOA Trial team"},
        {"family": "Cher"},
    ]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("2013", [[2013]]),
        ("2013-04", [[2013, 4]]),
        ("2008-09-15", [[2008, 9, 15]]),
        ("2020-10/2020-12", [[2020, 10], [2020, 12]]),
    ],
)
def test_issued_dates_become_csl_date_parts(text, parts):
    assert csl.parse_issued(text) == {"date-parts": parts}


@pytest.mark.parametrize("text", ["April 2013", "2013-13", "2013-02-32", "13"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(ValueError):
        csl.parse_issued(text)


def test_reference_is_formatted_in_nlm_style():
    csl = {
        "id": "hernandez-molina2008",
        "type": "article-journal",
        "author": [{"family": "Hernández-Molina", "given": "G"}],
        "title": "Effect of therapeutic exercise for hip osteoarthritis pain",
        "container-title": "Arthritis Rheum",
        "issued": {"date-parts": [[2008, 9, 15]]},
        "volume": "59",
        "issue": "9",
        "page": "1221-1228",
    }
    html = formatting.format_reference_html(csl)
    assert html.startswith("Hernández-Molina G. Effect of therapeutic exercise")
    assert "Arthritis Rheum. 2008 Sep 15;59(9):1221–8." in html


AHUJA = {
    "id": "ahuja2020",
    "type": "article-journal",
    "author": [{"family": "Ahuja", "given": "V"}],
    "title": "Chronic hip pain in adults",
    "container-title": "J Anaesthesiol Clin Pharmacol",
    "issued": {"date-parts": [[2020, 10], [2020, 12]]},
    "volume": "36",
    "issue": "4",
    "page": "450-457",
}


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("vancouver", "J Anaesthesiol Clin Pharmacol. 2020 Oct–Dec;36(4):450–7."),
        ("apa", "Ahuja, V. (2020). Chronic hip pain in adults."),
        ("ama", "J Anaesthesiol Clin Pharmacol. 2020;36(4):450-457."),
    ],
)
def test_an_issue_dated_by_a_range_of_months_keeps_its_year(style, expected):
    """A journal issue of "2020 Oct-Dec": the year where the style puts it,
    the months as a range where the style shows months, and never dropped."""
    assert expected in formatting.html_to_text(
        formatting.format_reference_html(AHUJA, style)
    )


@pytest.mark.parametrize(
    ("issued", "expected"),
    [
        ([[2019, 12], [2020, 1]], "2019 Dec–2020 Jan;"),
        ([[2020, 10, 1], [2020, 10, 5]], "2020 Oct 1–5;"),
        ([[2020, 10], [2020, 10]], "2020 Oct;"),
    ],
)
def test_other_date_ranges_in_nlm_style(issued, expected):
    csl = {**AHUJA, "issued": {"date-parts": issued}}
    assert expected in formatting.html_to_text(formatting.format_reference_html(csl))


@pytest.mark.parametrize(
    ("issued", "style", "expected"),
    [
        ([[2020, 10, 1], [2020, 11, 5]], "ama", "October 1–November 5, 2020."),
        ([[2020, 10, 1], [2020, 11, 5]], "apa", "(2020, October 1–November 5)."),
        ([[2020, 10], [2020, 12, 5]], "ama", "October 2020–December 5, 2020."),
        ([[2020], [2020, 12]], "apa", "(2020, December)."),
    ],
)
def test_a_web_page_dated_by_a_range(issued, style, expected):
    csl = {**AHUJA, "type": "webpage", "issued": {"date-parts": issued}}
    assert expected in formatting.html_to_text(
        formatting.format_reference_html(csl, style)
    )


def test_a_web_page_dated_by_a_range_of_days_in_ama_style():
    """citeproc-py itself fails on this one (a TypeError)."""
    csl = {
        **AHUJA,
        "type": "webpage",
        "issued": {"date-parts": [[2020, 10, 1], [2020, 10, 5]]},
    }
    assert "October 1, 2020–October 5, 2020" in formatting.html_to_text(
        formatting.format_reference_html(csl, "ama")
    )


def test_formatting_escapes_markup_in_titles():
    csl = {"id": "x", "type": "webpage", "title": "<script>alert(1)</script>"}
    html = formatting.format_reference_html(csl)
    assert "<script>" not in html
    assert formatting.html_to_text(html).startswith("<script>alert(1)</script>")
