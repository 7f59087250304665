"""BibTeX and biblatex in and out.

``from_bibtex`` reads a file into ``ParsedReference`` entries through
bibtexparser (names split by its middlewares, LaTeX decoded by pylatexenc);
``to_bibtex`` writes CSL-JSON items through bibtexparser's writer.
"""

import re
from functools import partial

import bibtexparser
from bibtexparser import model
from bibtexparser.middlewares import MonthAbbreviationMiddleware
from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from pylatexenc.latex2text import LatexNodes2Text

from ..csl import DEFAULT_TYPE, parse_issued
from ..normalise import clean_space, expand_page_range, parse_date, person
from ..parsed import ParsedReference
from .records import read_records, set_identifier, set_type

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


# Longer values are not LaTeX-decoded (pylatexenc takes about 13 s a million
# characters): only braces are dropped. No field the app keeps is this long.
MAX_DECODED = 5000


def _decode(value: str) -> str:
    if len(value) > MAX_DECODED:
        return clean_space(value.replace("{", "").replace("}", ""))
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
            person(family, _decode(" ".join(parts.first)), _decode(" ".join(parts.jr)))
        )
    return names


def _bibtex_entry_to_csl(entry: model.Entry, review: list[str], note: str = "") -> dict:
    if note:
        review.append(note)
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
    set_identifier(csl, "DOI", text.get("doi", ""), review)
    pmid = text.get("pmid")
    if not pmid and text.get("eprinttype", "").lower() == "pubmed":
        pmid = text.get("eprint")
    set_identifier(csl, "PMID", pmid or "", review)
    set_identifier(csl, "PMCID", text.get("pmcid", ""), review)
    set_identifier(csl, "ISBN", text.get("isbn", ""), review)
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
    set_type(csl, csl_type, f"@{entry_type}", review)
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


def _bibtex_records(library: bibtexparser.Library):
    """(source text, reader) for each entry of a parsed library, failed
    ones included."""
    for block in library.blocks:
        if isinstance(block, model.Entry):
            yield block.raw or "", partial(_bibtex_entry_to_csl, block)
        elif isinstance(block, model.ParsingFailedBlock):
            entry = block.ignore_error_block
            if isinstance(block, model.DuplicateBlockKeyBlock):
                note = f"id: key “{block.key}” is used twice in the file"
            elif isinstance(entry, model.Entry):
                note = f"entry: {_why(block)}"
            else:
                yield block.raw or "", partial(_unreadable_entry, block)
                continue
            yield (
                entry.raw or block.raw or "",
                partial(_bibtex_entry_to_csl, entry, note=note),
            )
        # @string, @preamble, @comment and text between entries are no entries.


def _unreadable_entry(block: model.ParsingFailedBlock, review: list[str]) -> dict:
    review.append(f"type: entry could not be read as BibTeX ({_why(block)})")
    key = re.match(r"\s*@\s*\w+\s*[{(]\s*([^,\s]+)\s*,", block.raw or "")
    return {"id": key.group(1) if key else "", "type": DEFAULT_TYPE}


def from_bibtex(text: str) -> list[ParsedReference]:
    """Import a BibTeX or biblatex file: one reference per @entry."""
    if not ENTRY_START.search(text):
        raise ValueError("This is not a BibTeX file: it has no @type{key, ...} entry.")
    library = bibtexparser.parse_string(text)
    return read_records(_bibtex_records(library), "bibtex", noun="entry")


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
