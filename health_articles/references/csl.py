"""CSL-JSON as the app stores it: the one table between ``Reference`` fields
and CSL variables, the reference types, and the order of an item's fields.

The model's ``as_csl``, the rows built from parsed references, the export
and import of articles and the editor's panels all derive from ``FIELDS``.
No models are imported here (only Django's lazy translation of labels).
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# The CSL types a health article's references use, with their labels.
# Importers map any other type to the nearest of these and flag it.
TYPES = {
    "article-journal": _("Journal article"),
    "chapter": _("Book chapter"),
    "book": _("Book"),
    "report": _("Report or guideline"),
    "webpage": _("Web page"),
    "paper-conference": _("Conference paper"),
    "thesis": _("Thesis"),
}
DEFAULT_TYPE = "article-journal"
# Types that are part of a container (a journal, a book), which they name.
CONTAINED_TYPES = ("article-journal", "chapter")

ISSUED_SYNTAX = re.compile(
    r"^(?P<start>\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:/(?P<end>\d{4}(?:-\d{2}(?:-\d{2})?)?))?$"
)


def parse_authors(text: str) -> list[dict]:
    """Turn one author a line ("Family, Given" or a group name) into CSL names."""
    authors = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        family, comma, given = line.partition(",")
        if comma:
            name = {"family": family.strip()}
            if given.strip():
                name["given"] = given.strip()
            authors.append(name)
        else:
            authors.append({"literal": line})
    return authors


def authors_text(names: list[dict]) -> str:
    """CSL names as one author a line, the inverse of ``parse_authors``."""
    lines = []
    for name in names or []:
        if "literal" in name:
            lines.append(name["literal"])
        elif name.get("family"):
            lines.append(", ".join(p for p in (name["family"], name.get("given")) if p))
    return "\n".join(lines)


def _date_parts(text: str) -> list[int]:
    return [int(part) for part in text.split("-")]


def parse_issued(text: str) -> dict | None:
    """Turn "YYYY[-MM[-DD]]" or an interval "start/end" into a CSL date.

    Raises ValueError for text of another shape or an impossible month or day.
    """
    text = text.strip()
    if not text:
        return None
    match = ISSUED_SYNTAX.match(text)
    if not match:
        raise ValueError(
            f"“{text}” is not a date: use YYYY, YYYY-MM or YYYY-MM-DD, or an "
            "interval such as 2020-10/2020-12."
        )
    parts = [_date_parts(match["start"])]
    if match["end"]:
        parts.append(_date_parts(match["end"]))
    for date in parts:
        if len(date) > 1 and not 1 <= date[1] <= 12:
            raise ValueError(f"“{text}” has a month outside 1-12.")
        if len(date) > 2 and not 1 <= date[2] <= 31:
            raise ValueError(f"“{text}” has a day outside 1-31.")
    return {"date-parts": parts}


def issued_text(date: dict) -> str:
    """A CSL date as "YYYY[-MM[-DD]]" text, a range as "start/end"."""
    parts = (date or {}).get("date-parts") or []
    return "/".join("-".join(f"{int(value):02d}" for value in one) for one in parts)


@dataclass(frozen=True)
class Field:
    """One ``Reference`` field and the CSL variable it holds.

    ``to_csl`` turns the stored text into the variable's value and
    ``from_csl`` back; plain text variables need neither. Free text
    (``free_text``) longer than the field holds may be cut to fit it; an
    identifier, a link or a date is whole or left out.
    """

    name: str
    variable: str
    to_csl: Callable[[str], object] | None = None
    from_csl: Callable[[object], str] | None = None
    free_text: bool = False


FIELDS = (
    Field("key", "id"),
    Field("csl_type", "type"),
    Field("authors", "author", parse_authors, authors_text),
    Field("title", "title", free_text=True),
    Field("container_title", "container-title", free_text=True),
    Field("issued", "issued", parse_issued, issued_text),
    Field("volume", "volume", free_text=True),
    Field("issue", "issue", free_text=True),
    Field("page_range", "page", free_text=True),
    Field("publisher", "publisher", free_text=True),
    Field("publisher_place", "publisher-place", free_text=True),
    Field("doi", "DOI"),
    Field("pmid", "PMID"),
    Field("pmcid", "PMCID"),
    Field("isbn", "ISBN"),
    Field("url", "URL"),
)
# Variables every item has, even when empty.
REQUIRED = ("id", "type", "title")


def to_item(values: Mapping[str, str]) -> dict:
    """The CSL-JSON item of a reference's stored ``values`` (by field name),
    with empty variables left out."""
    item = {}
    for field in FIELDS:
        value = values[field.name]
        if value and field.to_csl:
            value = field.to_csl(value)
        if value or field.variable in REQUIRED:
            item[field.variable] = value
    return item


def from_item(item: Mapping) -> dict[str, str]:
    """The stored text of each field (by name) for a CSL-JSON ``item``."""
    values = {}
    for field in FIELDS:
        value = item.get(field.variable)
        if field.from_csl:
            values[field.name] = field.from_csl(value) if value else ""
        else:
            values[field.name] = "" if value is None else str(value)
    return values


# The order of an item's variables where the app writes one (parsed
# references, exports): the order a reader of the JSON expects.
ORDER = [
    "id",
    "type",
    "author",
    "editor",
    "title",
    "container-title",
    "container-title-short",
    "collection-title",
    "volume-title",
    "genre",
    "number",
    "edition",
    "issued",
    "volume",
    "issue",
    "page",
    "publisher",
    "publisher-place",
    "DOI",
    "PMID",
    "PMCID",
    "ISBN",
    "ISSN",
    "URL",
    "accessed",
]
EMPTY = (None, "", [], {})


def ordered(item: dict) -> dict:
    """``item`` without empty variables or private ones ("_..."), in ORDER
    and then the others in their own order."""
    known = {key: item[key] for key in ORDER if item.get(key) not in EMPTY}
    extra = {
        key: value
        for key, value in item.items()
        if key not in known and not key.startswith("_") and value not in EMPTY
    }
    return {**known, **extra}
