"""RIS in and out (Zotero, EndNote and Mendeley exports).

``from_ris`` reads a file into ``ParsedReference`` entries through rispy;
``to_ris`` writes CSL-JSON items through rispy's writer.
"""

import re
from functools import partial

import rispy

from ..identifiers import DOI_PREFIXES, normalise_isbn
from ..normalise import clean_space, expand_page_range, name_from_text, parse_date
from ..parsed import ParsedReference
from .records import read_records, set_identifier, set_type

RIS_TO_CSL = {
    "JOUR": "article-journal",
    "JFULL": "article-journal",
    "EJOUR": "article-journal",
    "ABST": "article-journal",
    "INPR": "article-journal",
    "MGZN": "article-journal",
    "NEWS": "article-journal",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "book",
    "CHAP": "chapter",
    "ECHAP": "chapter",
    "RPRT": "report",
    "GOVDOC": "report",
    "STAND": "report",
    "ELEC": "webpage",
    "WEB": "webpage",
    "BLOG": "webpage",
    "CONF": "paper-conference",
    "CPAPER": "paper-conference",
    "THES": "thesis",
}
CSL_TO_RIS = {
    "article-journal": "JOUR",
    "book": "BOOK",
    "chapter": "CHAP",
    "report": "RPRT",
    "webpage": "ELEC",
    "paper-conference": "CPAPER",
    "thesis": "THES",
}
RIS_LINE = re.compile(r"^(?P<tag>[A-Z][A-Z0-9])\s{0,2}-(?: (?P<value>.*)|\s*)$")


def _ris_records(text: str) -> list[tuple[str, bool]]:
    """Cut a RIS file into (record text, ended with ER) pairs, lines made
    regular ("TY  - X") so that rispy reads them."""
    records: list[tuple[list[str], bool]] = []
    current: list[str] | None = None
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.lstrip("\ufeff")
        match = RIS_LINE.match(line.rstrip())
        if match:
            line = f"{match['tag']}  - {(match['value'] or '').strip()}"
            if match["tag"] == "TY":
                if current is not None:
                    records.append((current, False))
                current = [line]
                continue
            if match["tag"] == "ER" and current is not None:
                current.append("ER  - ")
                records.append((current, True))
                current = None
                continue
        if current is not None and line.strip():
            current.append(line)
    if current is not None:
        records.append((current, False))
    return [("\n".join(lines), ended) for lines, ended in records]


def _ris_date(record: dict) -> dict | None:
    for key in ("date", "year", "publication_year"):
        value = str(record.get(key) or "").strip()
        if not value:
            continue
        parts = [part for part in re.split(r"[/-]", value) if part.strip()]
        if parts and parts[0].strip().isdigit() and len(parts[0].strip()) == 4:
            numbers = [int(p) for p in parts[:3] if p.strip().isdigit()]
            names = ["", "jan", "feb", "mar", "apr", "may", "jun"]
            names += ["jul", "aug", "sep", "oct", "nov", "dec"]
            if len(numbers) > 1 and 1 <= numbers[1] <= 12:
                day = f" {numbers[2]}" if len(numbers) > 2 else ""
                return parse_date(f"{numbers[0]} {names[numbers[1]].title()}{day}")
            return parse_date(str(numbers[0]))
        if date := parse_date(value):
            return date
    return None


def _ris_record_to_csl(record: dict, review: list[str]) -> dict:
    ris_type = str(record.get("type_of_reference") or "").strip().upper()
    csl: dict = {}
    if record.get("id"):
        csl["id"] = str(record["id"])
    authors = record.get("authors") or record.get("first_authors") or []
    csl["author"] = [name_from_text(name) for name in authors if name.strip()]
    editors = record.get("secondary_authors") or []
    if ris_type in ("CHAP", "ECHAP", "BOOK", "EBOOK", "EDBOOK"):
        csl["editor"] = [name_from_text(name) for name in editors if name.strip()]
    csl["title"] = clean_space(record.get("title") or record.get("primary_title") or "")
    if ris_type in ("BOOK", "EBOOK", "EDBOOK", "RPRT"):
        container = ""
        csl["collection-title"] = record.get("secondary_title") or ""
    else:
        container = (
            record.get("secondary_title")
            or record.get("journal_name")
            or record.get("alternate_title3")
            or record.get("alternate_title2")
            or record.get("alternate_title1")
            or ""
        )
    csl["container-title"] = clean_space(container)
    abbreviation = clean_space(
        record.get("alternate_title1") or record.get("journal_name") or ""
    )
    if abbreviation != csl["container-title"]:
        csl["container-title-short"] = abbreviation
    csl["issued"] = _ris_date(record)
    csl["volume"] = clean_space(record.get("volume") or "")
    csl["issue"] = clean_space(record.get("number") or "")
    start = clean_space(record.get("start_page") or "")
    end = clean_space(record.get("end_page") or "")
    csl["page"] = expand_page_range(f"{start}-{end}" if start and end else start or end)
    csl["publisher"] = clean_space(record.get("publisher") or "")
    csl["publisher-place"] = clean_space(record.get("place_published") or "")
    csl["edition"] = clean_space(record.get("edition") or "")
    csl["abstract"] = clean_space(record.get("abstract") or "")
    doi = str(record.get("doi") or "")
    set_identifier(csl, "DOI", doi, review)
    serial = clean_space(record.get("issn") or "")
    if serial and ris_type in ("BOOK", "EBOOK", "EDBOOK", "CHAP", "ECHAP"):
        set_identifier(csl, "ISBN", serial.split(";")[0], review)
    elif serial:
        # SN holds an ISSN for serials, an ISBN for reports and the like.
        try:
            csl["ISBN"] = normalise_isbn(serial)
        except ValueError:
            csl["ISSN"] = serial
    csl["genre"] = clean_space(record.get("type_of_work") or "")
    if ris_type in ("RPRT", "GOVDOC", "STAND"):
        csl["number"] = csl.pop("issue")
    notes = " ".join(str(note) for note in record.get("notes") or [])
    notes += " " + str(record.get("note") or "")
    accession = clean_space(record.get("accession_number") or "")
    database = (
        f"{record.get('name_of_database', '')} {record.get('database_provider', '')}"
    )
    if accession.isdigit() and re.search(
        r"pubmed|medline|nlm", database, re.IGNORECASE
    ):
        set_identifier(csl, "PMID", accession, review)
    elif match := re.search(r"\bPMID:?\s*(\d{1,9})\b", notes):
        set_identifier(csl, "PMID", match.group(1), review)
    custom2 = clean_space(record.get("custom2") or "")
    if re.fullmatch(r"PMC\d+", custom2):
        set_identifier(csl, "PMCID", custom2, review)
    elif match := re.search(r"\b(PMC\d{3,9})\b", notes):
        set_identifier(csl, "PMCID", match.group(1), review)
    urls = [url for url in record.get("urls") or [] if url.strip()]
    links = [url for url in urls if not DOI_PREFIXES.match(url)]
    csl["URL"] = links[0] if links else ""
    if not csl.get("DOI") and len(links) < len(urls):
        doi_link = next(url for url in urls if url not in links)
        set_identifier(csl, "DOI", doi_link, review)
    if record.get("access_date"):
        csl["accessed"] = _ris_date({"date": record["access_date"]})
    set_type(
        csl, RIS_TO_CSL.get(ris_type, ris_type.lower() or "unknown"), ris_type, review
    )
    return csl


def _read_ris(record_text: str, ended: bool, review: list[str]) -> dict:
    if not ended:
        review.append("entry: record has no “ER  - ” end line")
    loaded = rispy.loads(record_text + ("" if ended else "\nER  - "))
    if not loaded:
        raise ValueError("no record found")
    return _ris_record_to_csl(loaded[0], review)


def from_ris(text: str) -> list[ParsedReference]:
    """Import a RIS file (Zotero, EndNote, Mendeley exports): one reference
    per TY ... ER record."""
    records = _ris_records(text)
    if not records:
        raise ValueError("This is not a RIS file: it has no “TY  - ” line.")
    return read_records(
        ((raw, partial(_read_ris, raw, ended)) for raw, ended in records), "ris"
    )


def _ris_name(name: dict) -> str:
    if "literal" in name:
        return name["literal"]
    parts = [name.get("family", ""), name.get("given", "")]
    if name.get("suffix"):
        parts.append(name["suffix"])
    return ", ".join(part for part in parts if part)


def _ris_date_text(date: dict) -> str:
    """RIS date "YYYY/MM/DD/" style ("2013/04//" for a month)."""
    first = (date.get("date-parts") or [[]])[0]
    if not first:
        return ""
    numbers = [f"{int(p):02d}" for p in first[1:3]]
    numbers += [""] * (2 - len(numbers))
    return f"{int(first[0]):04d}/{numbers[0]}/{numbers[1]}/"


class _RisWriter(rispy.RisWriter):
    """rispy's writer without its "1." line before each record, which some
    reference managers do not expect."""

    def set_header(self, count: int) -> str:
        return ""


def to_ris(items: list[dict]) -> str:
    """CSL-JSON items as a RIS file.

    The container goes to T2 (and the short form to J2), PMID to AN with
    DB "PubMed", PMCID to C2, an access date to Y2: how EndNote and Zotero
    read them back.
    """
    records = []
    for item in items:
        csl_type = item.get("type", "article-journal")
        ris_type = CSL_TO_RIS.get(csl_type, "GEN")
        record: dict = {"type_of_reference": ris_type}
        if item.get("id"):
            record["id"] = str(item["id"])
        authors = [_ris_name(name) for name in item.get("author", [])]
        if authors:
            record["authors"] = authors
        editors = [_ris_name(name) for name in item.get("editor", [])]
        if editors:
            record["secondary_authors"] = editors
        if item.get("title"):
            record["title"] = item["title"]
        if item.get("container-title"):
            record["secondary_title"] = item["container-title"]
        if item.get("container-title-short"):
            record["alternate_title1"] = item["container-title-short"]
        if item.get("collection-title"):
            record["tertiary_title"] = item["collection-title"]
        issued = item.get("issued") or {}
        first = (issued.get("date-parts") or [[]])[0]
        if first:
            record["year"] = str(first[0])
            if len(first) > 1:
                record["date"] = _ris_date_text(issued)
        if csl_type == "report" and item.get("number"):
            record["number"] = str(item["number"])
        for csl_key, ris_key in (
            ("genre", "type_of_work"),
            ("volume", "volume"),
            ("issue", "number"),
            ("edition", "edition"),
            ("publisher", "publisher"),
            ("publisher-place", "place_published"),
            ("DOI", "doi"),
            ("abstract", "abstract"),
        ):
            if item.get(csl_key):
                record[ris_key] = str(item[csl_key])
        if page := str(item.get("page") or ""):
            start, _, end = page.partition("-")
            record["start_page"] = start
            if end:
                record["end_page"] = end
        if item.get("ISBN") or item.get("ISSN"):
            record["issn"] = item.get("ISBN") or item.get("ISSN")
        if item.get("PMID"):
            record["accession_number"] = item["PMID"]
            record["name_of_database"] = "PubMed"
        if item.get("PMCID"):
            record["custom2"] = item["PMCID"]
        if item.get("URL"):
            record["urls"] = [item["URL"]]
        if item.get("accessed"):
            record["access_date"] = _ris_date_text(item["accessed"]).rstrip("/")
        records.append(record)
    return rispy.dumps(records, implementation=_RisWriter)
