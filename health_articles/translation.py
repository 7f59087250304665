"""What wagtail-localize offers translators of an article: its text, never
its reference keys, clinical codes or the targets of its citations.

wagtail-localize walks a StreamField by block type and asks a block with
``get_translatable_segments`` for its own segments (and gives them back to
its ``restore_translated_segments``); the blocks of ``health_articles.blocks``
that hold keys or codes offer none, so a translation keeps the source's, and
citing rich text offers its prose with each citation an empty link (its key
in the link's attributes, which translators never edit). The reference list
is synchronised, never translated (``HealthArticlePage.translatable_fields``).
"""

from wagtail.rich_text import RichText
from wagtail_localize.segments import (
    OverridableSegmentValue,
    StringSegmentValue,
    TemplateSegmentValue,
)
from wagtail_localize.segments.extract import quote_path_component
from wagtail_localize.segments.ingest import organise_template_segments
from wagtail_localize.strings import extract_strings, restore_strings

from .citations.links import blank_citations, fill_citations


def no_segments(value):
    """The segments of a block nothing of which is translated: none."""
    return []


def rich_text_segments(source):
    """The segments of stored rich text, as wagtail-localize makes them for
    a RichTextBlock (a template, its strings, the links' hrefs), with the
    citations' text left out of the strings."""
    template, strings = extract_strings(blank_citations(source))
    hrefs = sorted(
        {
            attrs["href"]
            for _string, tags in strings
            for attrs in tags.values()
            if "href" in attrs
        }
    )
    return [
        TemplateSegmentValue("", "html", template, len(strings)),
        *(StringSegmentValue("", string, attrs=attrs) for string, attrs in strings),
        *(OverridableSegmentValue(quote_path_component(href), href) for href in hrefs),
    ]


def restore_rich_text(segments):
    """Stored rich text from its translated segments (``rich_text_segments``),
    each citation with its source's key and its text again."""
    segment_format, template, strings = organise_template_segments(segments)
    if segment_format != "html":
        raise ValueError(f"rich text has HTML segments, not {segment_format}")
    return RichText(fill_citations(restore_strings(template, strings)))
