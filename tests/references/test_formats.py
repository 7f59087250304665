"""BibTeX, RIS and PubMed MEDLINE import and export of references.

Plain functions, no database.
"""

import pytest

from health_articles.references.formats.bibtex import from_bibtex, to_bibtex
from health_articles.references.formats.medline import from_medline
from health_articles.references.formats.ris import from_ris, to_ris
from health_articles.references.parser import parse_references

from ..helpers import ABBOTT_SOURCE, assert_fields, citation_set

SEED_ITEMS = citation_set("seed")
STYLE_ITEMS = citation_set("styles")

# Three records as PubMed's "Send to: Citation manager" writes them (.nbib):
# a journal article with a collective author, one with a PMC ID, and a
# StatPearls book chapter. Abstracts and most history fields shortened.
NBIB = """\
PMID- 23313532
OWN - NLM
STAT- MEDLINE
DCOM- 20131118
LR  - 20220318
IS  - 1522-9653 (Electronic)
IS  - 1063-4584 (Linking)
VI  - 21
IP  - 4
DP  - 2013 Apr
TI  - Manual therapy, exercise therapy, or both, in addition to usual care, for
      osteoarthritis of the hip or knee: a randomized controlled trial. 1: clinical
      effectiveness.
PG  - 525-34
LID - 10.1016/j.joca.2012.12.014 [doi]
AB  - OBJECTIVE: To investigate the clinical effectiveness of manual physiotherapy
      and/or exercise physiotherapy, in addition to usual care, for patients with
      osteoarthritis (OA) of the hip or knee.
FAU - Abbott, J Haxby
AU  - Abbott JH
AD  - Centre for Musculoskeletal Outcomes Research, University of Otago, Dunedin,
      New Zealand.
FAU - Robertson, M Clare
AU  - Robertson MC
FAU - Chapple, Cathy
AU  - Chapple C
FAU - Pinto, Daniel
AU  - Pinto D
FAU - Wright, Alexis A
AU  - Wright AA
FAU - Leon de la Barra, Sarah
AU  - Leon de la Barra S
FAU - Baxter, G David
AU  - Baxter GD
FAU - Theis, Jean-Claude
AU  - Theis JC
FAU - Campbell, A John
AU  - Campbell AJ
CN  - MOA Trial team
LA  - eng
PT  - Journal Article
PT  - Randomized Controlled Trial
DEP - 20130108
PL  - England
TA  - Osteoarthritis Cartilage
JT  - Osteoarthritis and cartilage
JID - 9305697
SB  - IM
EDAT- 2013/01/15 06:00
MHDA- 2013/11/19 06:00
CRDT- 2013/01/15 06:00
PHST- 2012/08/10 00:00 [received]
PHST- 2013/01/15 06:00 [entrez]
AID - S1063-4584(13)00003-0 [pii]
AID - 10.1016/j.joca.2012.12.014 [doi]
PST - ppublish
SO  - Osteoarthritis Cartilage. 2013 Apr;21(4):525-34. doi:
      10.1016/j.joca.2012.12.014. Epub 2013 Jan 8.

PMID- 33840922
OWN - NLM
STAT- PubMed-not-MEDLINE
LR  - 20210413
IS  - 0970-9185 (Print)
IS  - 2231-2730 (Electronic)
VI  - 36
IP  - 4
DP  - 2020 Oct-Dec
TI  - Chronic hip pain in adults: Current knowledge and future prospective.
PG  - 450-457
LID - 10.4103/joacp.JOACP_170_19 [doi]
FAU - Ahuja, Vanita
AU  - Ahuja V
FAU - Thapa, Deepak
AU  - Thapa D
FAU - Patial, Sameer
AU  - Patial S
FAU - Chander, Anjuman
AU  - Chander A
FAU - Ahuja, Ankur
AU  - Ahuja A
LA  - eng
PT  - Journal Article
PT  - Review
DEP - 20200926
PL  - India
TA  - J Anaesthesiol Clin Pharmacol
JT  - Journal of anaesthesiology, clinical pharmacology
JID - 9516972
PMC - PMC8022067
AID - 10.4103/joacp.JOACP_170_19 [doi]
PST - ppublish
SO  - J Anaesthesiol Clin Pharmacol. 2020 Oct-Dec;36(4):450-457. doi:
      10.4103/joacp.JOACP_170_19. Epub 2020 Sep 26.

PMID- 28846222
STAT- Publisher
DA  - 20170829
DP  - 2022 Jan
TI  - Piriformis Syndrome.
BTI - StatPearls
AB  - Piriformis syndrome is a clinical condition of sciatic nerve entrapment.
CI  - Copyright (c) 2022, StatPearls Publishing LLC.
FED - Abai, Bashar
ED  - Abai B
FAU - Hicks, Brandon L.
AU  - Hicks BL
FAU - Lam, Jason C.
AU  - Lam JC
FAU - Varacallo, Matthew
AU  - Varacallo M
LA  - eng
PT  - Study Guide
PT  - Book Chapter
PL  - Treasure Island (FL)
PB  - StatPearls Publishing
EDAT- 2017/08/29 00:00
CRDT- 2017/08/29 00:00
AID - NBK448172 [bookaccession]
"""


def csl_items(parsed):
    """Copies of the CSL-JSON items of parsed references."""
    return [dict(reference.csl) for reference in parsed]


def seed_items() -> list[dict]:
    return csl_items(parse_references("\n\n".join(item["raw"] for item in SEED_ITEMS)))


# --- MEDLINE (.nbib)


def test_medline_journal_article_with_collective_author():
    abbott, ahuja, hicks = from_medline(NBIB)
    csl = abbott.csl
    assert csl["id"] == "abbott2013"
    assert csl["type"] == "article-journal"
    assert csl["title"] == (
        "Manual therapy, exercise therapy, or both, in addition to usual care, for "
        "osteoarthritis of the hip or knee: a randomized controlled trial. 1: "
        "clinical effectiveness"
    )
    assert csl["author"][0] == {"family": "Abbott", "given": "J Haxby"}
    assert csl["author"][5] == {"family": "Leon de la Barra", "given": "Sarah"}
    assert csl["author"][-1] == {"literal": "MOA Trial team"}
    assert_fields(
        csl,
        {
            "container-title": "Osteoarthritis and cartilage",
            "container-title-short": "Osteoarthritis Cartilage",
            **ABBOTT_SOURCE,
            "ISSN": "1522-9653",
        },
    )
    assert abbott.needs_review == []
    assert abbott.raw_text.startswith("PMID- 23313532")
    assert abbott.raw_text.endswith("Epub 2013 Jan 8.")


def test_medline_season_range_pmcid_and_book_chapter():
    _, ahuja, hicks = from_medline(NBIB)
    assert ahuja.csl["issued"] == {"date-parts": [[2020, 10], [2020, 12]]}
    assert ahuja.csl["PMCID"] == "PMC8022067"
    assert_fields(
        hicks.csl,
        {
            "type": "chapter",
            "container-title": "StatPearls",
            "title": "Piriformis Syndrome",
        },
    )
    assert hicks.csl["author"][0] == {"family": "Hicks", "given": "Brandon L"}
    assert_fields(
        hicks.csl,
        {
            "editor": [{"family": "Abai", "given": "Bashar"}],
            "publisher": "StatPearls Publishing",
            "publisher-place": "Treasure Island (FL)",
        },
    )


def test_medline_malformed_record_is_kept_and_flagged():
    text = (
        "PMID- 12345678\nTI  - A fine record.\nDP  - 2001\nFAU - Doe, Jane\n"
        "TA  - Lancet\n\n"
        "PMID- 0\nthis line is not a field\nDP  - someday\n"
    )
    good, bad = from_medline(text)
    assert good.needs_review == []
    assert bad.raw_text.startswith("PMID- 0")
    reasons = " ".join(bad.needs_review)
    assert "PMID" in reasons and "line 2" in reasons and "issued" in reasons
    assert "title" in reasons


def test_medline_rejects_another_format():
    with pytest.raises(ValueError, match="not a MEDLINE"):
        from_medline("TY  - JOUR\nTI  - x\nER  - \n")


# --- BibTeX

BIBTEX = r"""
@string{arthritis = "Arthritis \& Rheumatism"}

@article{hoeksma2004,
  author = {Hoeksma, H. L. and Dekker, J. and Van Der Lubbe, N. and {MOA Trial team}},
  title = {Comparison of manual therapy and exercise therapy in osteoarthritis of the
           hip: {A} randomized clinical trial},
  journal = arthritis,
  year = 2004,
  month = may,
  volume = {51},
  number = {5},
  pages = {722--729},
  doi = {https://doi.org/10.1002/art.20685},
}

@article{hernandez,
  author = {Hern{\'a}ndez-Molina, G and Ish{\o}i, L},
  title = {Effect of therapeutic exercise},
  journaltitle = {Arthritis Rheum},
  date = {2008-09-15},
  pages = {1221--8},
  eprinttype = {pubmed},
  eprint = {18759315},
  pmcid = {PMC2758534},
}

@incollection{hicks2022,
  author = {Hicks, Brandon L.},
  editor = {Abai, Bashar},
  title = {Piriformis Syndrome},
  booktitle = {StatPearls},
  publisher = {StatPearls Publishing},
  address = {Treasure Island (FL)},
  year = {2022},
  isbn = {978-0-374-27563-9},
}

@article{broken, author = {Smith, J}, title = {Unclosed

@misc{nhs, title = {Hip pain}, url = {https://www.nhs.uk/conditions/hip-pain/},
  howpublished = {NHS website}, urldate = {2024-05-01}}
"""


def test_bibtex_import():
    hoeksma, hernandez, hicks, broken, nhs = from_bibtex(BIBTEX)
    csl = hoeksma.csl
    assert csl["id"] == "hoeksma2004"
    assert csl["author"] == [
        {"family": "Hoeksma", "given": "H L"},
        {"family": "Dekker", "given": "J"},
        {"family": "Van Der Lubbe", "given": "N"},
        {"literal": "MOA Trial team"},
    ]
    assert csl["title"].endswith("hip: A randomized clinical trial")
    assert csl["container-title"] == "Arthritis & Rheumatism"
    assert csl["issued"] == {"date-parts": [[2004, 5]]}
    assert (csl["issue"], csl["page"], csl["DOI"]) == (
        "5",
        "722-729",
        "10.1002/art.20685",
    )
    assert hoeksma.needs_review == []
    assert hoeksma.raw_text.startswith("@article{hoeksma2004,")
    assert hernandez.csl["author"][0]["family"] == "Hernández-Molina"
    assert hernandez.csl["author"][1]["family"] == "Ishøi"
    assert_fields(
        hernandez.csl,
        {
            "issued": {"date-parts": [[2008, 9, 15]]},
            "page": "1221-1228",
            "PMID": "18759315",
            "PMCID": "PMC2758534",
        },
    )
    assert_fields(
        hicks.csl,
        {
            "type": "chapter",
            "container-title": "StatPearls",
            "editor": [{"family": "Abai", "given": "Bashar"}],
        },
    )
    assert any(entry.startswith("ISBN") for entry in hicks.needs_review)
    assert broken.raw_text.startswith("@article{broken")
    assert broken.needs_review
    assert_fields(
        nhs.csl,
        {
            "type": "webpage",
            "container-title": "NHS website",
            "accessed": {"date-parts": [[2024, 5, 1]]},
        },
    )


def test_bibtex_duplicate_keys_are_kept_and_made_unique():
    parsed = from_bibtex("@book{a, title={One}}\n@book{a, title={Two}}\n")
    assert [p.csl["title"] for p in parsed] == ["One", "Two"]
    assert len({p.csl["id"] for p in parsed}) == 2
    assert any(entry.startswith("id") for entry in parsed[1].needs_review)


def test_bibtex_rejects_another_format():
    with pytest.raises(ValueError, match="not a BibTeX"):
        from_bibtex("TY  - JOUR\nER  - \n")
    assert from_bibtex("@comment{nothing here}") == []


def test_bibtex_export():
    text = to_bibtex(seed_items())
    assert "@article{abbott2013," in text
    assert "author = {Abbott, J H and Robertson, M C" in text
    assert "{MOA Trial team}}" in text
    assert "month = apr," in text
    assert "pages = {525--534}" in text
    assert "journal = {Arthritis \\& Rheumatism}" in text
    assert "{Leon de la Barra}, S" in text
    assert "@incollection{hicks2022," in text
    assert "date = {2020-10/2020-12}" in text


def round_trip_fields(item: dict) -> dict:
    return {key: value for key, value in item.items() if key != "volume-title"}


def test_csl_to_bibtex_to_csl_round_trip():
    items = seed_items() + csl_items(
        parse_references("\n\n".join(item["raw"] for item in STYLE_ITEMS))
    )
    items.append(
        {
            "id": "tricky",
            "type": "report",
            "author": [{"family": "O'Brien", "given": "Mary-Kate", "suffix": "Jr"}],
            "title": (
                "Costs of 50% {braces} & $dollars_ and #hash~tilde^caret\\ in PubMed"
            ),
            "publisher": "Smith & Sons",
            "number": "NG226",
            "issued": {"date-parts": [[2022, 10, 19]]},
            "URL": "https://example.org/a_b%20c",
        }
    )
    back = from_bibtex(to_bibtex(items))
    assert [round_trip_fields(p.csl) for p in back] == [
        round_trip_fields(i) for i in items
    ]


# --- RIS

RIS = """\
TY  - JOUR
AU  - Pun, Shirley
AU  - Kumar, Deepak
AU  - Lane, Nancy E.
TI  - Femoroacetabular impingement
T2  - Arthritis & Rheumatology
J2  - Arthritis Rheumatol
PY  - 2015
DA  - 2015/01//
VL  - 67
IS  - 1
SP  - 17
EP  - 27
DO  - 10.1002/art.38887
AN  - 25308887
DB  - PubMed
C2  - PMC4280287
UR  - https://doi.org/10.1002/art.38887
ER  -

TY  - CHAP
AU  - Hicks, Brandon L.
A2  - Abai, Bashar
TI  - Piriformis Syndrome
T2  - StatPearls
CY  - Treasure Island (FL)
PB  - StatPearls Publishing
PY  - 2022
N1  - PMID: 28846222
ER  -

TY  - ELEC
AU  - World Health Organization
TI  - Obesity and overweight
T2  - WHO fact sheets
Y2  - 2024/06/03
UR  - https://www.who.int/news-room/fact-sheets/detail/obesity-and-overweight
ER  -

TY  - JOUR
TI  - A record cut short
PY  - 2019
"""


def test_ris_import():
    pun, hicks, who, cut = from_ris(RIS)
    csl = pun.csl
    assert csl["id"] == "pun2015"
    assert csl["author"][2] == {"family": "Lane", "given": "Nancy E"}
    assert_fields(
        csl,
        {
            "container-title": "Arthritis & Rheumatology",
            "container-title-short": "Arthritis Rheumatol",
            "issued": {"date-parts": [[2015, 1]]},
            "volume": "67",
            "issue": "1",
            "page": "17-27",
        },
    )
    assert (csl["DOI"], csl["PMID"], csl["PMCID"]) == (
        "10.1002/art.38887",
        "25308887",
        "PMC4280287",
    )
    assert "URL" not in csl  # the doi.org link is the DOI
    assert pun.needs_review == []
    assert pun.raw_text.startswith("TY  - JOUR") and pun.raw_text.endswith("ER  -")
    assert_fields(
        hicks.csl,
        {
            "type": "chapter",
            "editor": [{"family": "Abai", "given": "Bashar"}],
            "PMID": "28846222",
            "publisher-place": "Treasure Island (FL)",
        },
    )
    assert_fields(
        who.csl,
        {
            "type": "webpage",
            "author": [{"literal": "World Health Organization"}],
            "accessed": {"date-parts": [[2024, 6, 3]]},
        },
    )
    assert cut.csl["title"] == "A record cut short"
    assert any("ER" in entry for entry in cut.needs_review)


def test_ris_tolerates_single_space_tags_and_rejects_another_format():
    parsed = from_ris("TY - BOOK\nTI - A book\nPY - 2001\nER -\n")
    assert parsed[0].csl["type"] == "book"
    assert parsed[0].csl["title"] == "A book"
    with pytest.raises(ValueError, match="not a RIS"):
        from_ris("@article{x, title={y}}")


def test_ris_export():
    text = to_ris(seed_items())
    assert text.startswith("TY  - JOUR\n")
    assert "\n1.\n" not in text and not text.startswith("1.")
    assert "AU  - Abbott, J H\n" in text
    assert "AU  - MOA Trial team\n" in text
    assert "SP  - 525\nEP  - 534\n" in text or (
        "SP  - 525" in text and "EP  - 534" in text
    )
    assert "AN  - 23313532\n" in text and "C2  - PMC8022067\n" in text


def test_csl_to_ris_to_csl_round_trip():
    items = seed_items() + csl_items(
        parse_references("\n\n".join(item["raw"] for item in STYLE_ITEMS))
    )
    back = from_ris(to_ris(items))
    for item, parsed in zip(items, back, strict=True):
        expected = round_trip_fields(item)
        if len(item.get("issued", {}).get("date-parts", [])) > 1:
            # RIS has no date ranges: the start of the range comes back.
            expected["issued"] = {"date-parts": item["issued"]["date-parts"][:1]}
        assert round_trip_fields(parsed.csl) == expected
