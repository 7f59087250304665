"""Citations of the reference list in stored rich text, and their links.

An editor cites a reference with the "Cite" control of the rich text editor.
The citation is stored as a link of its own type, naming the reference key::

    <a linktype="citation" key="abbott2013">[abbott2013]</a>

Numbers follow the first appearance of each citation in the article (see
``citations.numbering``), which a link handler, seeing
one link at a time, cannot know; so ``number_citations`` first writes each
number into the stored form (``number="3"``, text ``[3]``), and the link
handler renders that, on the page and in the API, as a link to the entry
(its label in the language of the request)::

    <a href="#ref-abbott2013" class="citation" data-reference-key="abbott2013"
       data-reference-number="3" aria-label="Reference 3">[3]</a>
"""

import html
import re

from django.utils.translation import gettext as _
from wagtail.rich_text import LinkHandler
from wagtail.rich_text.rewriters import extract_attrs

CITATION_ENTITY = "CITATION"
CITATION_LINKTYPE = "citation"


def reference_anchor(key):
    """The HTML id of a reference list entry (keys are slugs, so safe in ids)."""
    return f"ref-{key}"


class CitationLinkHandler(LinkHandler):
    identifier = CITATION_LINKTYPE

    @classmethod
    def expand_db_attributes(cls, attrs):
        key = html.escape(attrs.get("key", ""))
        number = attrs.get("number", "")
        if not number.isdigit():
            return (
                f'<a href="#{reference_anchor(key)}" class="citation" '
                f'data-reference-key="{key}">'
            )
        label = _("Reference %(number)s") % {"number": number}
        return (
            f'<a href="#{reference_anchor(key)}" class="citation" '
            f'data-reference-key="{key}" data-reference-number="{number}" '
            f'aria-label="{html.escape(label)}">'
        )


# A link of the stored form with its text (links do not nest).
STORED_LINK = re.compile(r"<a\b([^>]*)>.*?</a>", re.DOTALL)


def _citation_key(match):
    """The key of a stored link that is a citation, else None."""
    attrs = extract_attrs(match.group(1))
    if attrs.get("linktype") == CITATION_LINKTYPE:
        return attrs.get("key", "")
    return None


def _replace_citations(source, replacement):
    """``source`` with each citation replaced by ``replacement(key)``."""

    def replace(match):
        key = _citation_key(match)
        return match.group(0) if key is None else replacement(key)

    return STORED_LINK.sub(replace, source or "")


def cited_keys(source):
    """The reference keys cited in stored rich text, in order of appearance."""
    for match in STORED_LINK.finditer(source or ""):
        # An empty key is a citation too, of no reference: it is refused.
        if (key := _citation_key(match)) is not None:
            yield key


def number_citations(source, numbers):
    """Stored rich text with each citation carrying its reference's number.

    ``numbers`` maps reference keys to numbers; a citation of a key it lacks
    (a reference since removed) reads ``[?]``. Other links are left alone.
    """

    def numbered(key):
        escaped = html.escape(key)
        if key not in numbers:
            return f'<a linktype="citation" key="{escaped}">[?]</a>'
        n = numbers[key]
        return f'<a linktype="citation" key="{escaped}" number="{n}">[{n}]</a>'

    return _replace_citations(source, numbered)


def blank_citations(source):
    """Stored rich text with each citation kept but empty: the link and its
    key, without the text (``[abbott2013]``) that names the key. What a
    translation tool offers translators, who then never see a key."""
    return _replace_citations(
        source, lambda key: f'<a linktype="citation" key="{html.escape(key)}"></a>'
    )


def fill_citations(source):
    """Stored rich text with each citation's text ``[key]`` again (the
    stored form the editor writes), after ``blank_citations``."""
    return _replace_citations(
        source,
        lambda key: (
            f'<a linktype="citation" key="{html.escape(key)}">[{html.escape(key)}]</a>'
        ),
    )


def without_citations(source):
    """Stored rich text with the citations taken out (for counting words)."""
    return _replace_citations(source, lambda key: "")
