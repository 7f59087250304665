import pytest

from health_articles.references.normalise import (
    expand_page_range,
    normalise_given,
    parse_date,
)

# (normaliser, text, what it gives): page ranges, given names, loose dates.
NORMALISED = [
    (expand_page_range, "525-34", "525-534"),
    (expand_page_range, "1221-8", "1221-1228"),
    (expand_page_range, "112–20", "112-120"),
    (expand_page_range, "1407–1421", "1407-1421"),
    (expand_page_range, "e339", "e339"),
    (expand_page_range, "l185", "l185"),
    (expand_page_range, "98-102", "98-102"),
    (expand_page_range, "S12-5", "S12-S15"),
    (expand_page_range, "95-4", "95-4"),
    (normalise_given, "JH", "J H"),
    (normalise_given, "L. M.", "L M"),
    (normalise_given, "H.L.", "H L"),
    (normalise_given, "C.H.M.", "C H M"),
    (normalise_given, "J.-P.", "J-P"),
    (normalise_given, "A J R", "A J R"),
    (normalise_given, "John P. A.", "John P A"),
    (normalise_given, "Reinhold", "Reinhold"),
    (parse_date, "2013 Apr", {"date-parts": [[2013, 4]]}),
    (parse_date, "2008 Sep 15", {"date-parts": [[2008, 9, 15]]}),
    (parse_date, "2020 Oct-Dec", {"date-parts": [[2020, 10], [2020, 12]]}),
    (parse_date, "May 1, 2024", {"date-parts": [[2024, 5, 1]]}),
    (parse_date, "1 May 2024", {"date-parts": [[2024, 5, 1]]}),
    (parse_date, "2024-05-01", {"date-parts": [[2024, 5, 1]]}),
    (parse_date, "c2000-01", {"date-parts": [[2000], [2001]]}),
    (parse_date, "2005 Jan 1-15", {"date-parts": [[2005, 1, 1], [2005, 1, 15]]}),
    (parse_date, "2013 Spring", {"date-parts": [[2013]]}),
]


@pytest.mark.parametrize(("normalise", "text", "expected"), NORMALISED)
def test_normalisers(normalise, text, expected):
    assert normalise(text) == expected
