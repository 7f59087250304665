"""Citations of the reference list from inside rich text.

An editor cites a reference with the "Cite" control of the rich text editor.
The citation is stored as a link of its own type, naming the reference key::

    <a linktype="citation" key="abbott2013">[abbott2013]</a>

Rendered (on the page and in the API), it becomes a link to the reference
list entry showing the reference's number::

    <a href="#ref-abbott2013" class="citation" data-reference-key="abbott2013"
       data-reference-number="3" aria-label="Reference 3">[3]</a>

Numbers follow the first appearance of each citation in the article (see
``HealthArticlePageMixin.reference_numbers``), so the link handler alone, which
sees one link at a time, cannot know them: it renders the link and
``number_citations`` puts the numbers in.
"""

import html
import re

from wagtail.rich_text import LinkHandler
from wagtail.rich_text.rewriters import FIND_A_TAG, extract_attrs

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
        return (
            f'<a href="#{reference_anchor(key)}" class="citation" '
            f'data-reference-key="{key}">'
        )


def cited_keys(source):
    """The reference keys cited in stored rich text, in order of appearance."""
    for match in FIND_A_TAG.finditer(source or ""):
        attrs = extract_attrs(match.group(1))
        if attrs.get("linktype") == CITATION_LINKTYPE and attrs.get("key"):
            yield attrs["key"]


RENDERED_CITATION = re.compile(
    r'<a href="#[^"]*" class="citation" data-reference-key="([^"]*)">.*?</a>',
    re.DOTALL,
)


def number_citations(rendered_html, numbers):
    """Display HTML with every citation showing its reference's number, ``[n]``.

    ``numbers`` maps reference keys to numbers; a key it lacks (a citation of
    a reference that has since been removed) shows as ``[?]``.
    """

    def replace(match):
        key = match.group(1)
        number = numbers.get(html.unescape(key))
        if number is None:
            return (
                f'<a href="#{reference_anchor(key)}" class="citation" '
                f'data-reference-key="{key}">[?]</a>'
            )
        return (
            f'<a href="#{reference_anchor(key)}" class="citation" '
            f'data-reference-key="{key}" data-reference-number="{number}" '
            f'aria-label="Reference {number}">[{number}]</a>'
        )

    return RENDERED_CITATION.sub(replace, str(rendered_html))
