"""Reference files in and out: BibTeX, RIS and PubMed's MEDLINE (.nbib).

Importers return the same ``ParsedReference`` list as the free-text parser,
one per entry in file order, ``raw_text`` being the entry's source text. A
malformed entry never stops an import: it yields a reference with whatever
could be read and ``needs_review`` saying what failed. ``ValueError`` is
raised only when the file as a whole is not of the format asked for.

Exporters write CSL-JSON items through the libraries' own writers
(bibtexparser, rispy). Plain Python with no Django imports.
"""

import re

import bibtexparser
import rispy
from bibtexparser import model
from bibtexparser.middlewares import MonthAbbreviationMiddleware
from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from pylatexenc.latex2text import LatexNodes2Text

from health_articles.citations import parse_issued
from health_articles.identifiers import (
    doi_warning,
    normalise_doi,
    normalise_isbn,
    normalise_pmcid,
    normalise_pmid,
)
from health_articles.reference_parser import (
    CSL_ORDER,
    ParsedReference,
    assign_ids,
    clean_space,
    expand_page_range,
    normalise_given,
    parse_date,
    parse_vancouver_authors,
    review_gaps,
)

# The CSL types the app's reference model offers; anything else is mapped to
# the nearest of them and flagged for review.
SUPPORTED_TYPES = {
    "article-journal",
    "chapter",
    "book",
    "report",
    "webpage",
    "paper-conference",
    "thesis",
}


def _finish(csl: dict, review: list[str], raw: str) -> ParsedReference:
    """Drop empty fields, order them, flag what is missing."""
    csl = {key: value for key, value in csl.items() if value not in (None, "", [], {})}
    order = {key: index for index, key in enumerate(CSL_ORDER)}
    csl = dict(sorted(csl.items(), key=lambda item: order.get(item[0], len(order))))
    for gap in review_gaps(csl):
        if not any(entry.split(":")[0] == gap.split(":")[0] for entry in review):
            review.append(gap)
    return ParsedReference(csl=csl, raw_text=raw.strip(), needs_review=review)


def _set_identifier(csl: dict, key: str, value: str, review: list[str]) -> None:
    """Set DOI, PMID, PMCID or ISBN normalised, or as given and flagged."""
    value = clean_space(value or "")
    if not value:
        return
    normalise = {
        "DOI": normalise_doi,
        "PMID": normalise_pmid,
        "PMCID": normalise_pmcid,
        "ISBN": normalise_isbn,
    }[key]
    try:
        csl[key] = normalise(value)
    except ValueError:
        csl[key] = value
        review.append(f"{key}: “{value}” is not well-formed")
        return
    if key == "DOI" and (warning := doi_warning(csl[key])):
        review.append(f"DOI: {warning}")


def _set_type(csl: dict, csl_type: str, source_type: str, review: list[str]) -> None:
    csl["type"] = csl_type
    if csl_type not in SUPPORTED_TYPES:
        csl["type"] = "article-journal" if csl.get("container-title") else "book"
        review.append(f"type: “{source_type}” mapped to {csl['type']}")


def _person_from_parts(family: str, given: str = "", suffix: str = "") -> dict:
    name = {"family": clean_space(family)}
    if given := normalise_given(given):
        name["given"] = given
    if suffix:
        name["suffix"] = clean_space(suffix)
    return name


def _name_from_text(text: str) -> dict:
    """ "Family, Given[, Suffix]", Vancouver "Family GI", or a group name."""
    text = clean_space(text)
    parts = [part.strip() for part in text.split(",")]
    if len(parts) == 3:
        return _person_from_parts(parts[0], parts[2], parts[1])
    if len(parts) == 2 and parts[0]:
        return _person_from_parts(parts[0], parts[1])
    vancouver = parse_vancouver_authors(text) or []
    if len(vancouver) == 1 and "family" in vancouver[0]:
        return vancouver[0]
    return {"literal": text}


# --------------------------------------------------------------------------
# BibTeX

BIBTEX_TO_CSL = {
    "article": "article-journal",
    "book": "book",
    "mvbook": "book",
    "booklet": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "inreference": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "techreport": "report",
    "report": "report",
    "manual": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "online": "webpage",
    "www": "webpage",
    "electronic": "webpage",
}
CSL_TO_BIBTEX = {
    "article-journal": "article",
    "book": "book",
    "chapter": "incollection",
    "paper-conference": "inproceedings",
    "report": "techreport",
    "thesis": "phdthesis",
    "webpage": "misc",
}
# Fields whose values are identifiers or links: not LaTeX-decoded or -encoded.
BIBTEX_VERBATIM = {"doi", "url", "pmid", "pmcid", "eprint", "isbn", "issn", "urldate"}
LATEX = LatexNodes2Text(math_mode="verbatim")
ENTRY_START = re.compile(r"^\s*@\s*\w+\s*[{(]", re.MULTILINE)


def _decode(value: str) -> str:
    # pylatexenc turns \textasciicircum into a modifier letter, not "^".
    value = re.sub(r"\\textasciicircum(?:\{\})?", "^", value)
    try:
        return clean_space(LATEX.latex_to_text(value))
    except Exception:  # pylatexenc on unbalanced input; keep the text as written
        return clean_space(value.replace("{", "").replace("}", ""))


def _verbatim(value: str) -> str:
    """An identifier or link with BibTeX escapes and \\url{} removed."""
    value = re.sub(r"^\\url\{(.*)\}$", r"\1", value.strip())
    return clean_space(re.sub(r"\\([_%&#$])", r"\1", value))


def _bibtex_names(value: str, review: list[str], key: str) -> list[dict]:
    names = []
    for name in split_multiple_persons_names(value):
        name = name.strip()
        if name.lower() == "others":
            continue
        if name.startswith("{") and name.endswith("}") and name.count("{") == 1:
            names.append({"literal": _decode(name)})
            continue
        try:
            parts = parse_single_name_into_parts(name, strict=False)
        except Exception:  # bibtexparser's InvalidNameError and friends
            names.append({"literal": _decode(name)})
            review.append(f"{key}: a name could not be split")
            continue
        family = _decode(" ".join(parts.von + parts.last))
        if not family:
            continue
        names.append(
            _person_from_parts(
                family, _decode(" ".join(parts.first)), _decode(" ".join(parts.jr))
            )
        )
    return names


def _bibtex_entry_to_csl(entry: model.Entry, review: list[str]) -> dict:
    fields = {field.key.lower(): field.value for field in entry.fields}
    text = {}
    for key, value in fields.items():
        value = str(value)
        text[key] = _verbatim(value) if key in BIBTEX_VERBATIM else value
    entry_type = entry.entry_type.lower()
    csl: dict = {"id": entry.key}
    for role in ("author", "editor"):
        if role in text:
            csl[role] = _bibtex_names(text[role], review, role)
    if "title" in text:
        csl["title"] = _decode(text["title"])
    container = text.get("journal") or text.get("journaltitle") or text.get("booktitle")
    if container:
        csl["container-title"] = _decode(container)
    if "date" in text:
        try:
            csl["issued"] = parse_issued(text["date"])
        except ValueError:
            review.append(f"issued: “{text['date']}” is not a date")
    if "issued" not in csl and "year" in text:
        month = text.get("month", "")
        csl["issued"] = parse_date(f"{_month_name(month)} {text['year']}")
        if csl["issued"] is None:
            review.append(f"issued: “{text['year']}” is not a year")
    simple = {
        "volume": "volume",
        "number": "issue" if entry_type in ("article", "periodical") else "number",
        "issue": "issue",
        "publisher": "publisher",
        "institution": "publisher",
        "school": "publisher",
        "organization": "publisher",
        "address": "publisher-place",
        "location": "publisher-place",
        "edition": "edition",
        "type": "genre",
        "series": "collection-title",
        "note": "note",
        "abstract": "abstract",
        "issn": "ISSN",
        "url": "URL",
    }
    for bib_key, csl_key in simple.items():
        if text.get(bib_key) and csl_key not in csl:
            value = (
                text[bib_key] if bib_key in BIBTEX_VERBATIM else _decode(text[bib_key])
            )
            csl[csl_key] = value
    if "pages" in text:
        csl["page"] = expand_page_range(_decode(text["pages"]))
    if "urldate" in text:
        csl["accessed"] = parse_date(text["urldate"])
    _set_identifier(
        csl,
        "DOI",
        re.sub(r"^https?://(dx\.)?doi\.org/", "", text.get("doi", "")),
        review,
    )
    pmid = text.get("pmid")
    if not pmid and text.get("eprinttype", "").lower() == "pubmed":
        pmid = text.get("eprint")
    _set_identifier(csl, "PMID", pmid or "", review)
    _set_identifier(csl, "PMCID", text.get("pmcid", ""), review)
    _set_identifier(csl, "ISBN", text.get("isbn", ""), review)
    csl_type = BIBTEX_TO_CSL.get(entry_type)
    if csl_type is None:  # misc, unpublished, dataset, software ...
        csl_type = "webpage" if csl.get("URL") and not container else entry_type
    published = _decode(text.get("howpublished", ""))
    if (
        csl_type == "webpage"
        and published
        and not re.search(r"https?://|www\.", published)
    ):
        csl.setdefault("container-title", published)
    _set_type(csl, csl_type, f"@{entry_type}", review)
    return csl


def _month_name(value: str) -> str:
    """BibTeX month ("4", "apr", "April", "{April}") as a month name or ""."""
    value = value.strip("{} ").lower()
    names = ["jan", "feb", "mar", "apr", "may", "jun"]
    names += ["jul", "aug", "sep", "oct", "nov", "dec"]
    if value.isdigit() and 1 <= int(value) <= 12:
        return names[int(value) - 1].title()
    return value[:3].title() if value[:3] in names else ""


def _why(block: model.ParsingFailedBlock) -> str:
    """bibtexparser's reason for a failed block, in a line."""
    error = block.error
    reason = getattr(error, "abort_reason", "") or str(error) or type(error).__name__
    return clean_space(reason)[:200]


def from_bibtex(text: str) -> list[ParsedReference]:
    """Import a BibTeX or biblatex file: one reference per @entry."""
    if not ENTRY_START.search(text):
        raise ValueError("This is not a BibTeX file: it has no @type{key, ...} entry.")
    library = bibtexparser.parse_string(text)
    parsed = []
    for block in library.blocks:
        review: list[str] = []
        if isinstance(block, model.ParsingFailedBlock):
            entry = block.ignore_error_block
            if isinstance(block, model.DuplicateBlockKeyBlock):
                review.append(f"id: key “{block.key}” is used twice in the file")
            elif not isinstance(entry, model.Entry):
                review.append(
                    f"type: entry could not be read as BibTeX ({_why(block)})"
                )
                key = re.match(r"\s*@\s*\w+\s*[{(]\s*([^,\s]+)\s*,", block.raw or "")
                csl = {"id": key.group(1) if key else "", "type": "article-journal"}
                reference = _finish(csl, review, block.raw or "")
                reference.style = "bibtex"
                parsed.append(reference)
                continue
            else:
                review.append(f"entry: {_why(block)}")
        elif isinstance(block, model.Entry):
            entry = block
        else:  # @string, @preamble, @comment and text between entries
            continue
        try:
            csl = _bibtex_entry_to_csl(entry, review)
        except Exception as error:  # a bad field must not stop the import
            csl = {"type": "article-journal"}
            review.append(f"type: entry could not be read ({error})")
        reference = _finish(csl, review, entry.raw or block.raw or "")
        reference.style = "bibtex"
        parsed.append(reference)
    assign_ids(parsed)
    return parsed


LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "$": r"\$",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _encode(value: str) -> str:
    return "".join(LATEX_SPECIALS.get(char, char) for char in str(value))


def _protect_case(title: str) -> str:
    """Brace words with capitals after their first letter (acronyms, "McConnell")
    so that BibTeX styles that lowercase titles keep them."""

    def protect(match: re.Match) -> str:
        word = match.group(0)
        return f"{{{word}}}" if any(char.isupper() for char in word[1:]) else word

    return re.sub(r"(?<![\\\w])[^\W_][\w'-]*", protect, title)


def _bibtex_name(name: dict) -> str:
    if "literal" in name:
        return "{" + _encode(name["literal"]) + "}"
    family = _encode(name.get("family", ""))
    if " " in family and family.split()[0][:1].isupper() and len(family.split()) > 1:
        family = "{" + family + "}"  # keep "Van Der Lubbe" one family name
    parts = [family]
    if name.get("suffix"):
        parts.append(_encode(name["suffix"]))
    if name.get("given"):
        parts.append(_encode(name["given"]))
    return ", ".join(parts)


def _csl_date_text(date: dict) -> tuple[str, str, str]:
    """(year, month, biblatex date) of a CSL date; date only when finer or a range."""
    parts = date.get("date-parts") or [[]]
    first = parts[0]
    if not first:
        return "", "", ""
    year = str(first[0])
    month = str(first[1]) if len(first) > 1 else ""
    iso = [
        "-".join(f"{int(p):02d}" if i else f"{int(p):04d}" for i, p in enumerate(d))
        for d in parts
        if d
    ]
    full = "/".join(iso) if len(first) > 2 or len(parts) > 1 else ""
    return year, month, full


def to_bibtex(items: list[dict]) -> str:
    """CSL-JSON items as a BibTeX file (UTF-8; LaTeX specials escaped).

    Issue goes to ``number``, PMID and PMCID to the widely used ``pmid`` and
    ``pmcid`` fields, a day or a date range to biblatex's ``date`` next to
    ``year`` and ``month``.
    """
    library = bibtexparser.Library()
    used_keys: set[str] = set()
    for index, item in enumerate(items):
        csl_type = item.get("type", "article-journal")
        entry_type = CSL_TO_BIBTEX.get(csl_type, "misc")
        key = re.sub(r"[^\w:.-]", "", str(item.get("id") or "")) or f"ref{index + 1}"
        while key in used_keys:
            key += "x"
        used_keys.add(key)
        fields: list[tuple[str, str | int]] = []

        def add(name: str, value, fields=fields) -> None:
            if value not in (None, "", []):
                fields.append((name, value))

        for role in ("author", "editor"):
            add(role, " and ".join(_bibtex_name(n) for n in item.get(role, [])))
        add("title", _protect_case(_encode(item.get("title", ""))))
        container = _encode(item.get("container-title", ""))
        if entry_type == "article":
            add("journal", container)
        elif entry_type in ("incollection", "inproceedings"):
            add("booktitle", container)
        elif entry_type == "misc" and container:
            add("howpublished", container)
        year, month, full = _csl_date_text(item.get("issued") or {})
        add("year", year)
        if month:
            add("month", int(month))
        add("date", full)
        add("volume", _encode(item.get("volume", "")))
        add("number", _encode(item.get("issue") or item.get("number") or ""))
        add("pages", str(item.get("page", "")).replace("-", "--"))
        add("edition", _encode(item.get("edition", "")))
        add("type", _encode(item.get("genre", "")))
        add("series", _encode(item.get("collection-title", "")))
        publisher_field = {"techreport": "institution", "phdthesis": "school"}
        add(
            publisher_field.get(entry_type, "publisher"),
            _encode(item.get("publisher", "")),
        )
        add("address", _encode(item.get("publisher-place", "")))
        for csl_key, bib_key in (
            ("DOI", "doi"),
            ("PMID", "pmid"),
            ("PMCID", "pmcid"),
            ("ISBN", "isbn"),
            ("ISSN", "issn"),
            ("URL", "url"),
        ):
            add(bib_key, item.get(csl_key, ""))
        accessed = _csl_date_text(item.get("accessed") or {})
        add("urldate", accessed[2] or "-".join(p for p in accessed[:2] if p))
        add("note", _encode(item.get("note", "")))
        entry = model.Entry(entry_type, key, [model.Field(k, v) for k, v in fields])
        library.add(entry)
    bibtex_format = bibtexparser.BibtexFormat()
    bibtex_format.indent = "  "
    return bibtexparser.write_string(
        library,
        prepend_middleware=[MonthAbbreviationMiddleware()],
        bibtex_format=bibtex_format,
    )


# --------------------------------------------------------------------------
# RIS

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
    csl["author"] = [_name_from_text(name) for name in authors if name.strip()]
    editors = record.get("secondary_authors") or []
    if ris_type in ("CHAP", "ECHAP", "BOOK", "EBOOK", "EDBOOK"):
        csl["editor"] = [_name_from_text(name) for name in editors if name.strip()]
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
    _set_identifier(csl, "DOI", re.sub(r"^https?://(dx\.)?doi\.org/", "", doi), review)
    serial = clean_space(record.get("issn") or "")
    if serial and ris_type in ("BOOK", "EBOOK", "EDBOOK", "CHAP", "ECHAP"):
        _set_identifier(csl, "ISBN", serial.split(";")[0], review)
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
        _set_identifier(csl, "PMID", accession, review)
    elif match := re.search(r"\bPMID:?\s*(\d{1,9})\b", notes):
        _set_identifier(csl, "PMID", match.group(1), review)
    custom2 = clean_space(record.get("custom2") or "")
    if re.fullmatch(r"PMC\d+", custom2):
        csl["PMCID"] = custom2
    elif match := re.search(r"\b(PMC\d{3,9})\b", notes):
        csl["PMCID"] = match.group(1)
    urls = [url for url in record.get("urls") or [] if url.strip()]
    links = [url for url in urls if not re.match(r"https?://(dx\.)?doi\.org/", url)]
    csl["URL"] = links[0] if links else ""
    if not csl.get("DOI") and len(links) < len(urls):
        doi_link = next(url for url in urls if url not in links)
        _set_identifier(csl, "DOI", doi_link, review)
    if record.get("access_date"):
        csl["accessed"] = _ris_date({"date": record["access_date"]})
    _set_type(
        csl, RIS_TO_CSL.get(ris_type, ris_type.lower() or "unknown"), ris_type, review
    )
    return csl


def from_ris(text: str) -> list[ParsedReference]:
    """Import a RIS file (Zotero, EndNote, Mendeley exports): one reference
    per TY ... ER record."""
    records = _ris_records(text)
    if not records:
        raise ValueError("This is not a RIS file: it has no “TY  - ” line.")
    parsed = []
    for record_text, ended in records:
        review: list[str] = []
        if not ended:
            review.append("entry: record has no “ER  - ” end line")
        try:
            loaded = rispy.loads(record_text + ("" if ended else "\nER  - "))
            if not loaded:
                raise ValueError("no record found")
            csl = _ris_record_to_csl(loaded[0], review)
        except Exception as error:  # a bad record must not stop the import
            csl = {"type": "article-journal"}
            review.append(f"type: record could not be read ({error})")
        reference = _finish(csl, review, record_text)
        reference.style = "ris"
        parsed.append(reference)
    assign_ids(parsed)
    return parsed


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


# --------------------------------------------------------------------------
# PubMed MEDLINE (.nbib)

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
    csl["author"] = [_name_from_text(name) for name in people]
    # A collective author (CN) sits among the persons; MEDLINE lists it apart.
    csl["author"] += [{"literal": clean_space(name)} for name in values.get("CN", [])]
    editors = values.get("FED") or values.get("ED") or []
    csl["editor"] = [_name_from_text(name) for name in editors]
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
            _set_identifier(csl, "DOI", value[: -len("[doi]")], review)
    _set_identifier(csl, "PMID", first("PMID"), review)
    _set_identifier(csl, "PMCID", first("PMC"), review)
    if isbn := first("ISBN"):
        _set_identifier(csl, "ISBN", isbn, review)
    if issn := first("IS"):
        csl["ISSN"] = re.sub(r"\s*\(.*\)$", "", issn)
    return csl


def from_medline(text: str) -> list[ParsedReference]:
    """Import PubMed's MEDLINE format (the .nbib "citation manager" export):
    one reference per record, each starting at its "PMID- " line."""
    if not MEDLINE_START.search(text.lstrip("\ufeff")):
        raise ValueError("This is not a MEDLINE (.nbib) file: it has no “PMID- ” line.")
    parsed = []
    for record in _medline_records(text):
        review: list[str] = []
        tags = _medline_tags(record, review)
        if not tags or tags[0][0] != "PMID":
            review.append("entry: record does not start with a PMID")
        try:
            csl = _medline_record_to_csl(tags, review)
        except Exception as error:  # a bad record must not stop the import
            csl = {"type": "article-journal"}
            review.append(f"type: record could not be read ({error})")
        reference = _finish(csl, review, record)
        reference.style = "medline"
        parsed.append(reference)
    assign_ids(parsed)
    return parsed
