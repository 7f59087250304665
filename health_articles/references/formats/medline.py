"""PubMed's MEDLINE format (the .nbib "citation manager" export), read into
``ParsedReference`` entries.
"""

import re
from functools import partial

from ..normalise import clean_space, expand_page_range, name_from_text, parse_date
from ..parsed import ParsedReference
from .records import read_records, set_identifier

MEDLINE_LINE = re.compile(r"^(?P<tag>[A-Z][A-Z0-9]{0,3})\s*- (?P<value>.*)$")
MEDLINE_START = re.compile(r"^PMID- ", re.MULTILINE)


def _medline_records(text: str) -> list[str]:
    """Records start at each "PMID- " line; text before the first is kept
    as a record of its own when it holds anything."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    starts = [match.start() for match in MEDLINE_START.finditer(text)]
    pieces = []
    if text[: starts[0]].strip():
        pieces.append(text[: starts[0]])
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        pieces.append(text[start:end])
    return [piece.strip("\n") for piece in pieces]


def _medline_tags(record: str, review: list[str]) -> list[tuple[str, str]]:
    """(tag, value) pairs; continuation lines (six spaces) joined on."""
    tags: list[tuple[str, str]] = []
    for number, line in enumerate(record.split("\n"), start=1):
        if not line.strip():
            continue
        match = MEDLINE_LINE.match(line)
        if match:
            tags.append((match["tag"], match["value"].strip()))
        elif line.startswith(" ") and tags:
            tag, value = tags[-1]
            tags[-1] = (tag, f"{value} {line.strip()}")
        else:
            review.append(f"entry: line {number} is not a MEDLINE field")
    return tags


def _medline_record_to_csl(tags: list[tuple[str, str]], review: list[str]) -> dict:
    values: dict[str, list[str]] = {}
    for tag, value in tags:
        values.setdefault(tag, []).append(value)

    def first(tag: str) -> str:
        return clean_space(values.get(tag, [""])[0])

    csl: dict = {}
    full_names = values.get("FAU") or []
    people = full_names or values.get("AU") or []
    csl["author"] = [name_from_text(name) for name in people]
    # A collective author (CN) sits among the persons; MEDLINE lists it apart.
    csl["author"] += [{"literal": clean_space(name)} for name in values.get("CN", [])]
    editors = values.get("FED") or values.get("ED") or []
    csl["editor"] = [name_from_text(name) for name in editors]
    csl["title"] = first("TI").rstrip(".")
    book_title = first("BTI")
    publication_types = {value.lower() for value in values.get("PT", [])}
    if book_title and ("book chapter" in publication_types or csl["title"]):
        csl["type"] = "chapter"
        csl["container-title"] = book_title
    elif book_title or "book" in publication_types:
        csl["type"] = "book"
        csl["title"] = csl["title"] or book_title
    else:
        csl["type"] = "article-journal"
        csl["container-title"] = first("JT") or first("TA")
        if first("TA") and first("TA") != csl["container-title"]:
            csl["container-title-short"] = first("TA")
    if csl["type"] != "article-journal":
        csl["publisher"] = first("PB")
        csl["publisher-place"] = first("PL")
    csl["issued"] = parse_date(first("DP"))
    if first("DP") and not csl["issued"]:
        review.append(f"issued: “{first('DP')}” is not a date")
    csl["volume"] = first("VI")
    csl["issue"] = first("IP")
    csl["page"] = expand_page_range(first("PG"))
    csl["abstract"] = first("AB")
    for value in values.get("LID", []) + values.get("AID", []):
        if value.endswith("[doi]") and "DOI" not in csl:
            set_identifier(csl, "DOI", value[: -len("[doi]")], review)
    set_identifier(csl, "PMID", first("PMID"), review)
    set_identifier(csl, "PMCID", first("PMC"), review)
    if isbn := first("ISBN"):
        set_identifier(csl, "ISBN", isbn, review)
    if issn := first("IS"):
        csl["ISSN"] = re.sub(r"\s*\(.*\)$", "", issn)
    return csl


def _read_medline(record: str, review: list[str]) -> dict:
    tags = _medline_tags(record, review)
    if not tags or tags[0][0] != "PMID":
        review.append("entry: record does not start with a PMID")
    return _medline_record_to_csl(tags, review)


def from_medline(text: str) -> list[ParsedReference]:
    """Import PubMed's MEDLINE format (the .nbib "citation manager" export):
    one reference per record, each starting at its "PMID- " line."""
    if not MEDLINE_START.search(text.lstrip("\ufeff")):
        raise ValueError("This is not a MEDLINE (.nbib) file: it has no “PMID- ” line.")
    records = _medline_records(text)
    return read_records(
        ((record, partial(_read_medline, record)) for record in records), "medline"
    )
