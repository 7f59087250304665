"""Serializer fields for the article data that Wagtail's API v2 serves."""

from rest_framework.fields import Field

from . import citations


class TagListField(Field):
    """Tags as ``[{"name", "slug"}]``, read from the prefetch cache when present."""

    def to_representation(self, manager) -> list[dict[str, str]]:
        tags = sorted(manager.all(), key=lambda tag: tag.name.lower())
        return [{"name": tag.name, "slug": tag.slug} for tag in tags]


class ReferenceListField(Field):
    """The numbered reference list: key, CSL-JSON, formatted citation, links."""

    def to_representation(self, manager) -> list[dict]:
        entries = []
        for number, reference in enumerate(manager.all(), start=1):
            formatted_html = reference.formatted_html()
            entries.append(
                {
                    "number": number,
                    "key": reference.key,
                    "csl": reference.as_csl(),
                    "formatted": citations.html_to_text(formatted_html),
                    "formatted_html": formatted_html,
                    "links": reference.links(),
                    "raw_text": reference.raw_text,
                }
            )
        return entries
