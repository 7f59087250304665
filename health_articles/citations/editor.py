"""The rich text editor's "Cite" control: the "citation" feature of Draftail.

``register_citation_feature`` is registered by ``wagtail_hooks``. It adds the
link handler that renders citations, the Draftail entity (with its script
and style) and the conversion between Draftail's entities and the stored
links.
"""

import wagtail.admin.rich_text.editors.draftail.features as draftail_features
from django.utils.translation import gettext_lazy as _
from draftjs_exporter.dom import DOM
from wagtail.admin.rich_text.converters.html_to_contentstate import (
    InlineEntityElementHandler,
)

from .links import CITATION_ENTITY, CITATION_LINKTYPE, CitationLinkHandler

FEATURE = "citation"


class CitationElementHandler(InlineEntityElementHandler):
    """Stored citation link -> Draftail entity, for the editor."""

    mutability = "IMMUTABLE"

    def get_attribute_data(self, attrs):
        return {"key": attrs.get("key", "")}


def citation_entity_decorator(props):
    """Draftail entity -> stored citation link."""
    return DOM.create_element(
        "a",
        {"linktype": CITATION_LINKTYPE, "key": props.get("key", "")},
        props["children"],
    )


def register_citation_feature(features):
    """The "citation" rich text feature: cite a reference of the article."""
    features.register_link_type(CitationLinkHandler)
    features.register_editor_plugin(
        "draftail",
        FEATURE,
        draftail_features.EntityFeature(
            {
                "type": CITATION_ENTITY,
                "icon": "doc-full",
                "description": str(_("Cite a reference")),
            },
            js=["health_articles/js/citation.js"],
            css={"all": ["health_articles/css/citation.css"]},
        ),
    )
    features.register_converter_rule(
        "contentstate",
        FEATURE,
        {
            "from_database_format": {
                f'a[linktype="{CITATION_LINKTYPE}"]': CitationElementHandler(
                    CITATION_ENTITY
                )
            },
            "to_database_format": {
                "entity_decorators": {CITATION_ENTITY: citation_entity_decorator}
            },
        },
    )
