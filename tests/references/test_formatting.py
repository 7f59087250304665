import pytest

from health_articles.references import formatting

from ..helpers import citation_set

# Two of the seed article's references, as their hand-checked CSL-JSON.
SEED = {item["csl"]["id"]: item["csl"] for item in citation_set("seed")}
AHUJA = SEED["ahuja2020"]


def test_reference_is_formatted_in_nlm_style():
    html = formatting.format_reference_html(SEED["hernandez-molina2008"])
    assert html.startswith("Hernández-Molina G, Reichenbach S, Zhang B")
    assert "Arthritis Rheum. 2008 Sep 15;59(9):1221–8." in html


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("vancouver", "J Anaesthesiol Clin Pharmacol. 2020 Oct–Dec;36(4):450–7."),
        ("apa", "Ahuja, A. (2020). Chronic hip pain in adults: Current knowledge"),
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
