import pytest

from health_articles.references import csl


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
