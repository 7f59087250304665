"""Normalise, check and link the identifiers a reference may carry.

Plain functions with no Django imports (ISBN check digits by python-stdnum):
each ``normalise_*`` returns the canonical form or raises ``ValueError`` with
a message an editor can act on. ``IDENTIFIERS`` is the one table of them, by
CSL variable, that the model, the importers and the API read.
"""

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from stdnum import isbn

DOI_PREFIXES = re.compile(
    r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/|(?:dx\.)?doi\.org/)", re.IGNORECASE
)
# DOI syntax (DOI Handbook 2.2): "10." registrant code "/" suffix.
DOI_SYNTAX = re.compile(r"^10\.\d{4,9}(?:\.\d+)*/\S+$")
# Crossref's pattern, which matches nearly all DOIs in use; one it does not
# match may still be valid (older DOIs carry <, >, # or [), so it only warns.
DOI_CROSSREF_PATTERN = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Z0-9]+$", re.IGNORECASE)
PMID_SYNTAX = re.compile(r"^[1-9]\d{0,8}$")
PMCID_SYNTAX = re.compile(r"^PMC\d{1,9}$")
TRAILING_PUNCTUATION = ".,;"


def _checked(value: str, candidate: str, syntax: re.Pattern, what: str) -> str:
    """``candidate`` (``value`` cleaned) if of ``syntax``, else a ValueError
    saying that ``value`` is not ``what``."""
    if not syntax.match(candidate):
        raise ValueError(f"“{value}” is not {what}.")
    return candidate


def normalise_doi(value: str) -> str:
    doi = DOI_PREFIXES.sub("", value.strip()).rstrip(TRAILING_PUNCTUATION).strip()
    return _checked(
        value,
        doi,
        DOI_SYNTAX,
        "a DOI: a DOI starts with “10.”, a registrant code, a slash and a "
        "suffix, e.g. 10.1136/bmj.l185",
    )


def doi_warning(doi: str) -> str | None:
    """Why a well-formed DOI looks doubtful (Crossref's pattern), else None."""
    if not doi or DOI_CROSSREF_PATTERN.match(doi):
        return None
    return (
        f"“{doi}” does not match the pattern of nearly all DOIs (10.NNNN/ and "
        "letters, digits and -._;()/: only); check that it resolves at doi.org."
    )


def _unlabelled(value: str, label: str) -> str:
    """``value`` without a leading label ("PMID: ") or trailing punctuation."""
    value = re.sub(rf"^{label}:?\s*", "", value.strip(), flags=re.IGNORECASE)
    return value.rstrip(TRAILING_PUNCTUATION)


def normalise_pmid(value: str) -> str:
    return _checked(
        value,
        _unlabelled(value, "PMID"),
        PMID_SYNTAX,
        "a PubMed ID: a PMID is a whole number of up to nine digits, e.g. 23313532",
    )


def normalise_pmcid(value: str) -> str:
    pmcid = _unlabelled(value, "PMCID").upper()
    return _checked(
        value,
        f"PMC{pmcid}" if pmcid.isdigit() else pmcid,
        PMCID_SYNTAX,
        "a PubMed Central ID: a PMCID is “PMC” followed by digits, e.g. PMC8022067",
    )


def normalise_isbn(value: str) -> str:
    """An ISBN-10 or -13 with its check digit verified, hyphenated by the ISBN
    agency's ranges ("9780374275631" -> "978-0-374-27563-1").

    Raises ValueError for a malformed ISBN or a wrong check digit.
    """
    try:
        compact = isbn.validate(re.sub(r"^ISBN(?:-1[03])?:?\s*", "", value.strip()))
    except Exception as error:  # stdnum raises its own ValidationError subclasses
        raise ValueError(
            f"“{value}” is not an ISBN: an ISBN has 10 or 13 digits and a "
            "matching check digit, e.g. 978-0-374-27563-1."
        ) from error
    return isbn.format(compact)


def doi_url(doi: str) -> str:
    return f"https://doi.org/{doi}"


def pubmed_url(pmid: str) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


def pmc_url(pmcid: str) -> str:
    return f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/"


@dataclass(frozen=True)
class Identifier:
    """How an identifier is normalised, doubted and linked (``link`` names the
    link in ``links``, ``label`` is its text for readers; an identifier
    without ``url`` has no link)."""

    normalise: Callable[[str], str]
    doubt: Callable[[str], str | None] = lambda value: None
    link: str = ""
    label: str = ""
    url: Callable[[str], str] | None = None


# By CSL variable, most durable link first.
IDENTIFIERS = {
    "DOI": Identifier(normalise_doi, doi_warning, "doi", "DOI", doi_url),
    "PMID": Identifier(normalise_pmid, link="pubmed", label="PubMed", url=pubmed_url),
    "PMCID": Identifier(normalise_pmcid, link="pmc", label="PMC", url=pmc_url),
    "ISBN": Identifier(normalise_isbn),
}
# A reference's own URL, after its identifiers' links.
URL_LINK, URL_LABEL = "url", "Link"


def links(item: Mapping) -> dict[str, str]:
    """Links to the work of a CSL-JSON ``item`` by its identifiers, most
    durable first, then its URL."""
    found = {
        identifier.link: identifier.url(item[variable])
        for variable, identifier in IDENTIFIERS.items()
        if identifier.url and item.get(variable)
    }
    if item.get("URL"):
        found[URL_LINK] = item["URL"]
    return found


def _reader_links(item: Mapping) -> list[tuple[str, str, str, str]]:
    """(link name, label, URL, the identifier as the item holds it) of the
    links readers are shown: those of ``links``, the URL only where no DOI
    already leads to the work."""
    found = links(item)
    if "doi" in found:
        found.pop(URL_LINK, None)
    shown = {
        identifier.link: (identifier.label, variable)
        for variable, identifier in IDENTIFIERS.items()
    }
    shown[URL_LINK] = (URL_LABEL, "URL")
    return [
        (name, shown[name][0], url, str(item.get(shown[name][1], "")))
        for name, url in found.items()
    ]


def link_in_citation(fragment: str, item: Mapping) -> tuple[str, list]:
    """The formatted citation ``fragment`` (escaped HTML) with each of the
    item's identifiers it prints made a link to the work, and the (label,
    URL) links of those it does not print: each identifier shown once."""
    rest = []
    for name, label, url, value in _reader_links(item):
        for shown in (url, value):
            escaped = html.escape(shown, quote=False)
            at = _printed_at(fragment, escaped, name)
            if at >= 0:
                anchor = f'<a href="{html.escape(url)}">{escaped}</a>'
                fragment = fragment[:at] + anchor + fragment[at + len(escaped) :]
                break
        else:
            rest.append((label, url))
    return fragment, rest


def _printed_at(fragment: str, text: str, link: str) -> int:
    """Where ``text`` is printed in ``fragment`` outside a link, or -1; a
    PubMed id only after "PMID" (a bare number may be a page)."""
    start = 0
    while text and (at := fragment.find(text, start)) >= 0:
        before = fragment[:at]
        outside = before.count("<a ") == before.count("</a>")
        labelled = link != "pubmed" or re.search(r"PMID:?\s*$", before)
        if outside and labelled:
            return at
        start = at + 1
    return -1


def checked(variable: str, value: str, review: list[str]) -> str:
    """``value`` of identifier ``variable`` normalised, or as given when it is
    not well-formed; what is doubtful about it goes into ``review``."""
    identifier = IDENTIFIERS[variable]
    try:
        value = identifier.normalise(value)
    except ValueError:
        review.append(f"{variable}: “{value}” is not well-formed")
        return value
    if doubt := identifier.doubt(value):
        review.append(f"{variable}: {doubt}")
    return value
