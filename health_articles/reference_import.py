"""Parsed or imported references as the app's Reference rows, and back out.

Nothing an editor pastes or uploads is dropped: every parsed entry becomes a
Reference, its source kept in ``raw_text``; a value the model refuses is left
out of its field and named, with the parser's doubts, in ``review_note``.
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError

from .models import Reference, ReferenceType
from .reference_formats import from_bibtex, from_medline, from_ris, to_bibtex, to_ris
from .reference_parser import parse_references

IMPORTERS = {
    "text": parse_references,
    "bibtex": from_bibtex,
    "ris": from_ris,
    "medline": from_medline,
}
EXTENSIONS = {".bib": "bibtex", ".ris": "ris", ".nbib": "medline"}
EXPORTS = {
    "json": ("application/vnd.citationstyles.csl+json", "json"),
    "bib": ("application/x-bibtex; charset=utf-8", "bib"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
}


def detect_format(text, filename=""):
    """The importer for a file: by its ending, else by its first entry."""
    ending = Path(filename).suffix.lower()
    if ending in EXTENSIONS:
        return EXTENSIONS[ending]
    start = text.lstrip("\ufeff \n\r\t")
    if start.startswith("@"):
        return "bibtex"
    if start.startswith("TY  -"):
        return "ris"
    if start.startswith("PMID-"):
        return "medline"
    return "text"


def parse(text, fmt="text"):
    """Parsed references of ``text`` in format ``fmt`` (see IMPORTERS)."""
    return IMPORTERS[fmt](text)


def _issued_text(csl):
    parts = csl.get("issued", {}).get("date-parts") or []
    return "/".join(
        "-".join(f"{value:02d}" for value in date) for date in parts if date
    )


def _authors_text(csl):
    lines = []
    for name in csl.get("author", []):
        if "literal" in name:
            lines.append(name["literal"])
        elif name.get("family"):
            lines.append(", ".join(p for p in (name["family"], name.get("given")) if p))
    return "\n".join(lines)


def reference_from_parsed(parsed, taken_keys):
    """A Reference (not saved) for one parsed entry, with a key not in use."""
    csl = parsed.csl
    key = base = (csl.get("id") or "ref").lower()
    suffix = 1
    while key in taken_keys:
        suffix += 1
        key = f"{base}-{suffix}"
    taken_keys.add(key)
    types = {choice.value for choice in ReferenceType}
    reference = Reference(
        key=key,
        csl_type=csl.get("type") if csl.get("type") in types else "article-journal",
        authors=_authors_text(csl),
        title=csl.get("title", "")[:500] or parsed.raw_text[:500],
        container_title=csl.get("container-title", "")[:500],
        issued=_issued_text(csl),
        volume=str(csl.get("volume", ""))[:32],
        issue=str(csl.get("issue", ""))[:32],
        page_range=str(csl.get("page", ""))[:64],
        publisher=csl.get("publisher", "")[:255],
        publisher_place=csl.get("publisher-place", "")[:255],
        doi=csl.get("DOI", ""),
        pmid=csl.get("PMID", ""),
        pmcid=csl.get("PMCID", ""),
        isbn=csl.get("ISBN", ""),
        url=csl.get("URL", ""),
        raw_text=parsed.raw_text,
    )
    notes = list(parsed.needs_review)
    try:
        reference.full_clean(exclude=["page", "sort_order"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            notes.append(
                f"{field}: {getattr(reference, field)!r} left out ({messages[0]})"
            )
            setattr(reference, field, "")
    reference.review_note = "; ".join(notes)
    return reference


def csl_items(references):
    return [reference.as_csl() for reference in references]


def export(references, kind):
    """(content, content type) of references as CSL-JSON, BibTeX or RIS."""
    items = csl_items(references)
    content_type = EXPORTS[kind][0]
    if kind == "json":
        return json.dumps(items, indent=2, ensure_ascii=False), content_type
    if kind == "bib":
        return to_bibtex(items), content_type
    return to_ris(items), content_type
