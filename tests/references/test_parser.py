"""The free-text reference parser: splitting, identifiers and rules per style.

Plain functions, no database.
"""

import importlib
import importlib.util
import json
from pathlib import Path

import pytest

from health_articles.references.parsed import ParsedReference
from health_articles.references.parser import (
    parse_reference,
    parse_references,
    split_references,
)

from ..helpers import ABBOTT_SOURCE, DATA, assert_fields, citation_set

ROOT = Path(__file__).resolve().parents[2]
SEED_ITEMS = citation_set("seed")
STYLE_ITEMS = citation_set("styles")
SEED_LIST = "\n\n".join(item["raw"] for item in SEED_ITEMS)


def one(text: str) -> ParsedReference:
    parsed = parse_references(text)
    assert len(parsed) == 1
    return parsed[0]


def families(csl: dict, role: str = "author") -> list[str]:
    return [name.get("family", name.get("literal")) for name in csl.get(role, [])]


# --- The seed's reference list


def test_seed_list_gives_sixteen_references_in_order_with_raw_text_kept():
    parsed = parse_references(SEED_LIST)
    assert [p.raw_text for p in parsed] == [item["raw"] for item in SEED_ITEMS]
    assert [p.csl["id"] for p in parsed] == [item["csl"]["id"] for item in SEED_ITEMS]


def test_seed_vancouver_reference_with_group_author_and_epub():
    parsed = parse_references(SEED_LIST)[0]
    csl = parsed.csl
    assert csl["type"] == "article-journal"
    assert csl["author"][0] == {"family": "Abbott", "given": "J H"}
    assert csl["author"][5] == {"family": "Leon de la Barra", "given": "S"}
    assert csl["author"][-1] == {"literal": "MOA Trial team"}
    assert csl["title"].endswith(
        "randomized controlled trial. 1: clinical effectiveness"
    )
    assert csl["container-title"] == "Osteoarthritis Cartilage"
    # "Epub 2013 Jan 8" is not the issue date.
    assert_fields(csl, ABBOTT_SOURCE)
    assert parsed.needs_review == []


def test_seed_season_range_and_pmcid():
    csl = parse_references(SEED_LIST)[1].csl
    assert_fields(
        csl,
        {
            "issued": {"date-parts": [[2020, 10], [2020, 12]]},
            "PMCID": "PMC8022067",
            "DOI": "10.4103/joacp.JOACP_170_19",
        },
    )


def test_seed_apa_and_wiley_authors_become_spaced_initials():
    parsed = parse_references(SEED_LIST)
    fishman, hoeksma = parsed[2].csl, parsed[6].csl
    assert fishman["author"][0] == {"family": "Fishman", "given": "L M"}
    assert families(fishman)[-1] == "Weber"
    assert (
        fishman["container-title"] == "Archives of physical medicine and rehabilitation"
    )
    assert hoeksma["author"][4] == {"family": "Van Der Lubbe", "given": "N"}
    assert hoeksma["author"][-1] == {"family": "Van Den Ende", "given": "C H M"}
    assert (hoeksma["volume"], hoeksma["page"]) == ("51", "722-729")


def test_seed_cochrane_review_without_volume_is_flagged():
    parsed = parse_references(SEED_LIST)[3]
    assert parsed.csl["type"] == "article-journal"
    assert parsed.csl["container-title"] == "Cochrane Database of Systematic Reviews"
    assert any(entry.startswith("volume") for entry in parsed.needs_review)


def test_seed_statpearls_chapter():
    parsed = parse_references(SEED_LIST)[5]
    csl = parsed.csl
    assert_fields(
        csl,
        {
            "type": "chapter",
            "title": "Piriformis Syndrome",
            "container-title": "StatPearls",
            "publisher": "StatPearls Publishing",
            "publisher-place": "Treasure Island (FL)",
        },
    )
    # The chapter's own date, not the book's "2022 Jan-".
    assert csl["issued"] == {"date-parts": [[2022, 9, 4]]}


def test_seed_bmj_forms_e_locator_and_run_together_text():
    parsed = parse_references(SEED_LIST)
    palmer, ishoi, svege = parsed[9], parsed[7], parsed[11]
    assert palmer.csl["author"][0] == {"family": "Palmer", "given": "A J R"}
    assert palmer.csl["author"][1] == {"family": "Ayyar Gupta", "given": "V"}
    assert_fields(
        palmer.csl,
        {
            "container-title": "BMJ",
            "page": "l185",
            "volume": "364",
        },
    )
    assert ishoi.csl["id"] == "ishoi2021"
    assert ishoi.csl["title"].endswith(
        "Danish Society of Sports Physical Therapy (DSSF)"
    )
    assert ishoi.csl["container-title"] == "British Journal of Sports Medicine"
    assert svege.csl["container-title"] == "Annals of the Rheumatic Diseases"
    # Where the title ends was guessed: the editor is told.
    for guessed in (palmer, ishoi, svege):
        assert any(e.startswith("container-title") for e in guessed.needs_review)


@pytest.mark.parametrize(
    "name", ["seed", "styles", "holdout", "kinds", "fresh", "blind", "final"]
)
def test_project_sets_stay_as_accurate(name):
    """Fields exact on each of the project's sets: no worse than before the
    learned reader (seed, styles, holdout), at least 0.93 on the kinds the
    rules alone failed on."""
    spec = importlib.util.spec_from_file_location(
        "reference_accuracy", ROOT / "bench/reference_accuracy.py"
    )
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    tally = bench.Tally(bench.FIELDS)
    path = DATA / "citations" / f"{name}.json"
    for item in json.loads(path.read_text(encoding="utf-8"))["items"]:
        tally.add(item["raw"], item["csl"], False)
    assert tally.share >= bench.BEFORE.get(name, bench.KINDS_TARGET)


# --- Splitting a pasted list


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1. First ref.\n2. Second ref.", ["First ref.", "Second ref."]),
        (
            "[1] First ref.\n[2] Second\nwrapped ref.",
            ["First ref.", "Second wrapped ref."],
        ),
        ("1) First ref.\n\n2) Second ref.", ["First ref.", "Second ref."]),
        ("- First ref.\n• Second ref.", ["First ref.", "Second ref."]),
        (
            "First ref line one\nline two.\n\nSecond ref.",
            ["First ref line one line two.", "Second ref."],
        ),
        ("First ref.\nSecond ref.\n", ["First ref.", "Second ref."]),
        ("\n\n  \n", []),
        ("1. A\n2. B\n\n3. C", ["A", "B", "C"]),
    ],
)
def test_split_references(text, expected):
    assert split_references(text) == expected


def test_nothing_is_dropped_even_junk():
    # (A real title: one of a single word, "Hip.", leaves the learned model
    # unsure of the whole reference, and the review model says so.)
    parsed = parse_references(
        "References\n\n???\n\n"
        "Pun S, Kumar D. Femoroacetabular impingement. Lancet. 2015;1:2."
    )
    assert [p.raw_text for p in parsed] == [
        "References",
        "???",
        "Pun S, Kumar D. Femoroacetabular impingement. Lancet. 2015;1:2.",
    ]
    assert parsed[0].needs_review and parsed[1].needs_review
    assert parsed[2].needs_review == []


def test_wrapped_paragraph_raw_text_is_whitespace_joined():
    text = (
        "Pun S, Kumar D, Lane NE. Femoroacetabular\n   impingement. Arthritis "
        "Rheumatol.\n2015 Jan;67(1):17-27.\n\nSecond reference."
    )
    parsed = parse_references(text)[0]
    assert parsed.raw_text == (
        "Pun S, Kumar D, Lane NE. Femoroacetabular impingement. "
        "Arthritis Rheumatol. 2015 Jan;67(1):17-27."
    )
    assert parsed.csl["title"] == "Femoroacetabular impingement"
    assert parsed.csl["page"] == "17-27"


def test_line_per_reference_list_joins_a_line_broken_mid_sentence():
    text = (
        "References\n"
        "Pun S, Kumar D, Lane NE. Femoroacetabular impingement. Arthritis\n"
        "Rheumatol. 2015 Jan;67(1):17-27.\n"
        "Palmer AJ. A trial. BMJ 2019; 364 :l185 doi:10.1136/bmj.l185\n"
        "Vij N, Urits I. A review of the options for piriformis syndrome. Anesth\n"
        "pain med. 2021;11(1):e112825."
    )
    assert [p.raw_text[:12] for p in parse_references(text)] == [
        "References",
        "Pun S, Kumar",
        "Palmer AJ. A",
        "Vij N, Urits",
    ]


# --- Styles


def test_apa_7_article():
    csl = one(
        "Braun, V., & Clarke, V. (2006). Using thematic analysis in psychology. "
        "Qualitative Research in Psychology, 3(2), 77–101. "
        "https://doi.org/10.1191/1478088706qp063oa"
    ).csl
    assert families(csl) == ["Braun", "Clarke"]
    assert_fields(
        csl,
        {
            "container-title": "Qualitative Research in Psychology",
            "volume": "3",
            "issue": "2",
            "page": "77-101",
            "DOI": "10.1191/1478088706qp063oa",
        },
    )
    assert "URL" not in csl


def test_apa_7_chapter_with_editors_and_multivolume_book():
    csl = one(
        "Bronfenbrenner, U., & Morris, P. A. (2006). The bioecological model of human "
        "development. In W. Damon & R. M. Lerner (Eds.), Handbook of child psychology: "
        "Vol. 1. Theoretical models of human development (6th ed., pp. 793–828). Wiley."
    ).csl
    assert csl["type"] == "chapter"
    assert csl["editor"] == [
        {"family": "Damon", "given": "W"},
        {"family": "Lerner", "given": "R M"},
    ]
    assert_fields(
        csl,
        {
            "container-title": "Handbook of child psychology",
            "volume": "1",
            "edition": "6",
            "page": "793-828",
            "publisher": "Wiley",
        },
    )


def test_apa_book_whose_publisher_is_unknown_is_flagged_as_a_guess():
    parsed = one(
        "Kahneman, D. (2011). Thinking, fast and slow. Farrar, Straus and Giroux."
    )
    assert parsed.csl["type"] == "book"
    assert parsed.csl["publisher"] == "Farrar, Straus and Giroux"
    assert any(entry.startswith("type") for entry in parsed.needs_review)


def test_apa_many_authors_with_ellipsis():
    csl = one(
        "Able, A., Baker, B., . . . Zed, Z. (2020). A title. Some Journal, 1(2), 3-9."
    ).csl
    assert families(csl) == ["Able", "Baker", "Zed"]


def test_harvard_quoted_title_and_comma_year():
    cox = one(
        "Cox, D.R. (1972) 'Regression models and life-tables', Journal of the Royal "
        "Statistical Society: Series B (Methodological), 34(2), pp. 187–220."
    ).csl
    assert cox["title"] == "Regression models and life-tables"
    assert cox["container-title"].endswith("Series B (Methodological)")
    assert cox["page"] == "187-220"
    higgins = one(
        "Higgins, J.P.T. and Thompson, S.G., 2002. Quantifying heterogeneity in a "
        "meta-analysis. Statistics in Medicine, 21(11), pp.1539-1558."
    ).csl
    assert higgins["author"][0] == {"family": "Higgins", "given": "J P T"}
    assert higgins["issued"] == {"date-parts": [[2002]]}


def test_harvard_chapter_and_web_page():
    chapter = one(
        "Smith, J. (2010) 'A chapter', in Jones, K. (ed.) A book. London: Routledge, "
        "pp. 10-20."
    ).csl
    assert_fields(
        chapter,
        {
            "type": "chapter",
            "editor": [{"family": "Jones", "given": "K"}],
            "container-title": "A book",
            "page": "10-20",
            "publisher": "Routledge",
            "publisher-place": "London",
        },
    )
    page = one(
        "National Health Service (no date) Hip pain. Available at: "
        "https://www.nhs.uk/conditions/hip-pain/ (Accessed: 1 May 2024)."
    )
    assert_fields(
        page.csl,
        {
            "type": "webpage",
            "accessed": {"date-parts": [[2024, 5, 1]]},
            "URL": "https://www.nhs.uk/conditions/hip-pain/",
        },
    )
    assert any(entry.startswith("issued") for entry in page.needs_review)


def test_mla_and_chicago():
    mla = one(
        'Watson, J. D., and F. H. C. Crick. "Molecular Structure of Nucleic Acids: A '
        'Structure for Deoxyribose Nucleic Acid." Nature, vol. 171, no. 4356, 1953, '
        "pp. 737-38."
    ).csl
    assert mla["author"] == [
        {"family": "Watson", "given": "J D"},
        {"family": "Crick", "given": "F H C"},
    ]
    assert (mla["volume"], mla["issue"], mla["page"]) == ("171", "4356", "737-738")
    chicago = one(
        'Bandura, Albert. "Self-Efficacy: Toward a Unifying Theory of Behavioral '
        'Change." Psychological Review 84, no. 2 (1977): 191–215. '
        "https://doi.org/10.1037/0033-295X.84.2.191."
    ).csl
    assert_fields(
        chicago,
        {
            "author": [{"family": "Bandura", "given": "Albert"}],
            "container-title": "Psychological Review",
            "DOI": "10.1037/0033-295X.84.2.191",
        },
    )
    book = one(
        "Kuhn, Thomas S. The Structure of Scientific Revolutions. Chicago: "
        "University of Chicago Press, 1962."
    ).csl
    assert book["type"] == "book"
    assert (book["publisher"], book["publisher-place"]) == (
        "University of Chicago Press",
        "Chicago",
    )


def test_chicago_chapter():
    csl = one(
        'Braun, Virginia. "Thematic Analysis." In The Handbook of Research, edited by '
        "Paul Smith, 57-71. London: Sage, 2019."
    ).csl
    assert_fields(
        csl,
        {
            "type": "chapter",
            "container-title": "The Handbook of Research",
            "editor": [{"family": "Smith", "given": "Paul"}],
            "page": "57-71",
            "publisher": "Sage",
            "issued": {"date-parts": [[2019]]},
        },
    )


def test_ama_title_starting_with_a_year_and_et_al():
    parsed = one(
        "Kolasinski SL, Neogi T, Hochberg MC, et al. 2019 American College of "
        "Rheumatology/Arthritis Foundation guideline for the management of "
        "osteoarthritis of the hand, hip, and knee. Arthritis Care Res (Hoboken). "
        "2020;72(2):149-162. doi:10.1002/acr.24131"
    )
    assert families(parsed.csl) == ["Kolasinski", "Neogi", "Hochberg"]
    assert parsed.csl["title"].startswith("2019 American College")
    assert parsed.csl["issued"] == {"date-parts": [[2020]]}
    assert parsed.csl["container-title"] == "Arthritis Care Res (Hoboken)"
    # The model reads the title's year as the date: the editor is told where
    # the two readers differ, and only there.
    assert {entry.split(":")[0] for entry in parsed.needs_review} <= {"title", "issued"}


def test_nlm_issue_without_volume_and_internet_journal():
    cochrane = one(
        "Furlan AD, Giraldo M, Baskwill A, Irvin E, Imamura M. Massage for low-back "
        "pain. Cochrane Database Syst Rev. 2015 Sep 1;(9):CD001929."
    ).csl
    assert "volume" not in cochrane
    assert (cochrane["issue"], cochrane["page"]) == ("9", "CD001929")
    online = one(
        "Eysenbach G. Improving the quality of Web surveys. J Med Internet Res "
        "[Internet]. 2004 [cited 2021 Jan 5];6(3):e34. Available from: "
        "https://www.jmir.org/2004/3/e34/"
    ).csl
    assert_fields(
        online,
        {
            "container-title": "J Med Internet Res",
            "volume": "6",
            "issue": "3",
            "page": "e34",
            "accessed": {"date-parts": [[2021, 1, 5]]},
            "URL": "https://www.jmir.org/2004/3/e34/",
        },
    )


def test_nlm_book_chapter_and_editors():
    book = one(
        "Murray PR, Rosenthal KS, Kobayashi GS, Pfaller MA. Medical microbiology. 4th "
        "ed. St. Louis: Mosby; 2002."
    ).csl
    assert_fields(
        book,
        {
            "type": "book",
            "title": "Medical microbiology",
            "edition": "4",
            "publisher": "Mosby",
            "publisher-place": "St. Louis",
        },
    )
    chapter = one(
        "Meltzer PS, Kallioniemi A, Trent JM. Chromosome alterations in human solid "
        "tumors. In: Vogelstein B, Kinzler KW, editors. The genetic basis of human "
        "cancer. New York: McGraw-Hill; 2002. p. 93-113."
    ).csl
    assert chapter["type"] == "chapter"
    assert families(chapter, "editor") == ["Vogelstein", "Kinzler"]
    assert chapter["container-title"] == "The genetic basis of human cancer"
    assert chapter["page"] == "93-113"
    edited = one(
        "Foley KM, Gelband H, editors. Improving palliative care for cancer "
        "[Internet]. Washington: National Academy Press; 2001 [cited 2002 Jul 9]. "
        "Available from: http://www.nap.edu/books/0309074029/html/."
    ).csl
    assert families(edited, "editor") == ["Foley", "Gelband"]
    assert "author" not in edited
    assert edited["title"] == "Improving palliative care for cancer"


def test_ama_chapter():
    csl = one(
        "Smith J, Jones K. Title here. In: Brown A, ed. Big Book of Things. 3rd ed. "
        "McGraw Hill; 2018:93-113."
    ).csl
    assert csl["type"] == "chapter"
    assert families(csl, "editor") == ["Brown"]
    assert_fields(
        csl,
        {
            "container-title": "Big Book of Things",
            "edition": "3",
            "publisher": "McGraw Hill",
            "page": "93-113",
        },
    )


def test_guideline_is_a_report_with_its_number():
    csl = one(
        "National Institute for Health and Care Excellence. Osteoarthritis in over "
        "16s: diagnosis and management. NICE guideline [NG226]. London: NICE; 2022. "
        "Available from: https://www.nice.org.uk/guidance/ng226"
    ).csl
    assert csl["type"] == "report"
    assert csl["author"] == [
        {"literal": "National Institute for Health and Care Excellence"}
    ]
    assert_fields(
        csl,
        {
            "title": "Osteoarthritis in over 16s: diagnosis and management",
            "genre": "NICE guideline",
            "number": "NG226",
            "URL": "https://www.nice.org.uk/guidance/ng226",
            "id": "nihce2022",
        },
    )


def test_nlm_series_statement_makes_a_numbered_report():
    csl = one(
        "World Health Organization. Obesity: preventing and managing the global "
        "epidemic. Geneva: World Health Organization; 2000. (WHO technical report "
        "series; no. 894)."
    ).csl
    assert csl["type"] == "report"
    assert csl["title"] == "Obesity: preventing and managing the global epidemic"
    assert (csl["collection-title"], csl["number"]) == (
        "WHO technical report series",
        "894",
    )
    assert (csl["publisher-place"], csl["issued"]) == (
        "Geneva",
        {"date-parts": [[2000]]},
    )


def test_vancouver_names_are_not_read_as_mla_and_publisher_year_ends_a_book():
    csl = one(
        "Higgins JPT, Savović J, Page MJ. Chapter 8: Bias. In: Higgins JPT, Thomas J "
        "(editors). A handbook of reviews. Cochrane, 2022."
    ).csl
    assert csl["author"][:2] == [
        {"family": "Higgins", "given": "J P T"},
        {"family": "Savović", "given": "J"},
    ]
    assert csl["type"] == "chapter"
    assert families(csl, "editor") == ["Higgins", "Thomas"]
    assert (csl["container-title"], csl["publisher"]) == (
        "A handbook of reviews",
        "Cochrane",
    )
    assert csl["issued"] == {"date-parts": [[2022]]}


def test_ama_web_page_without_author():
    parsed = one(
        "Obesity and overweight. World Health Organization. Published March 1, 2024. "
        "Accessed June 3, 2024. "
        "https://www.who.int/news-room/fact-sheets/detail/obesity-and-overweight"
    )
    assert_fields(
        parsed.csl,
        {
            "type": "webpage",
            "title": "Obesity and overweight",
            "container-title": "World Health Organization",
            "issued": {"date-parts": [[2024, 3, 1]]},
            "accessed": {"date-parts": [[2024, 6, 3]]},
        },
    )
    assert any(entry.startswith("author") for entry in parsed.needs_review)


# --- Identifiers


def test_doi_with_brackets_and_labels():
    csl = one(
        "Bland, J.M. and Altman, D.G. (1986) 'Statistical methods', The Lancet, "
        "327(8476), pp. 307–310. doi:10.1016/S0140-6736(86)90837-8."
    ).csl
    assert csl["DOI"] == "10.1016/S0140-6736(86)90837-8"
    assert csl["page"] == "307-310"


@pytest.mark.parametrize(
    "written",
    ["Available from: <https://doi.org/10.1136/bmj.m1234>", "doi:<10.1136/bmj.m1234>."],
)
def test_doi_in_angle_brackets(written):
    parsed = one(f"Smith J. A trial. BMJ. 2020;369:m1234. {written}")
    assert parsed.csl["DOI"] == "10.1136/bmj.m1234"
    assert not any(entry.startswith("DOI") for entry in parsed.needs_review)


def test_a_doi_with_angle_brackets_of_its_own_keeps_them():
    doi = "10.1002/(SICI)1097-4679(199710)53:6<555::AID-JCLP5>3.0.CO;2-#"
    parsed = one(f"Smith J. A study. J Clin Psychol. 1997;53(6):555-67. doi:{doi}")
    assert parsed.csl["DOI"] == doi


def test_identifiers_inside_links_stay_in_the_link():
    csl = one(
        "Wang X, Li Y. A study of vitamin D. Nutrients. 2020;12(3):700. "
        "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7146349/"
    ).csl
    assert_fields(
        csl,
        {
            "URL": "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7146349/",
            "PMCID": "PMC7146349",
            "title": "A study of vitamin D",
        },
    )


def test_isbn_found_and_a_bad_check_digit_flagged():
    good = one(
        "Kahneman D. Thinking, fast and slow. New York: Farrar, Straus and Giroux; "
        "2011. ISBN: 978-0-374-27563-1."
    )
    assert good.csl["ISBN"] == "978-0-374-27563-1"
    assert good.csl["publisher-place"] == "New York"
    bad = one("Kahneman D. Thinking. New York: Farrar; 2011. ISBN 9780374275632.")
    assert bad.csl["ISBN"] == "9780374275632"
    assert any(entry.startswith("ISBN") for entry in bad.needs_review)


# --- Keys, review flags, robustness


def test_ids_are_ascii_and_de_duplicated():
    parsed = parse_references(
        "Smith J. One. Lancet. 2020;1:1.\n\nSmith J. Two. Lancet. 2020;1:2.\n\n"
        "Ishøi L. Three. Lancet. 2021;1:3.\n\nÁlvarez J. Four. BMJ. 2019;1:4."
    )
    assert [p.csl["id"] for p in parsed] == [
        "smith2020a",
        "smith2020b",
        "ishoi2021",
        "alvarez2019",
    ]


def test_missing_parts_are_flagged():
    parsed = one("Pun S, Kumar D. Femoroacetabular impingement.")
    assert "issued: no year found" in parsed.needs_review


def test_parser_never_raises_and_keeps_every_text():
    tokens = " ".join(item["raw"] for item in SEED_ITEMS + STYLE_ITEMS).split()
    for case in range(300):
        # Scrambled reference words, chosen deterministically.
        length = 1 + case % 40
        text = " ".join(
            tokens[(case * 7919 + i * 104729) % len(tokens)] for i in range(length)
        )
        parsed = parse_reference(text)
        assert parsed.raw_text == text
        assert parsed.style != "error", parsed.needs_review
    huge = parse_reference("Smith J, " * 1000)
    assert huge.needs_review
