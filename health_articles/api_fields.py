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


class RelatedArticlesField(Field):
    """Articles sharing the most tags, then conditions, with this one."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, article) -> list[dict]:
        # Imported here: the models module imports this one, before the app
        # registry is ready.
        from wagtail.api.v2.utils import get_object_detail_url
        from wagtail.models import Site

        from .related import related_articles
        from .tags import public_articles

        request = self.context["request"]
        router = self.context["router"]
        candidates = public_articles(Site.find_for_request(request))
        return [
            {
                "id": page.pk,
                "meta": {
                    "type": f"{page._meta.app_label}.{type(page).__name__}",
                    "detail_url": get_object_detail_url(
                        router, request, type(page), page.pk
                    ),
                    "html_url": page.get_full_url(request),
                },
                "title": page.title,
                "summary": page.summary,
                "shared_tags": shared_tags,
                "shared_conditions": shared_conditions,
            }
            for page, shared_tags, shared_conditions in related_articles(
                article, candidates
            )
        ]
