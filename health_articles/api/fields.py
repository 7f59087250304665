"""Serializer fields for the article data that Wagtail's API v2 serves.

The article models name these in their ``api_fields``, so this module
imports no models of the app.
"""

from django.apps import apps
from rest_framework.fields import Field
from wagtail.api.rich_text import APIRichText
from wagtail.api.utils import get_full_url

from ..blocks import ArticleBodyBlock
from ..body import condition_names
from ..caching import (
    condition_dependency,
    depends_on,
    page_dependency,
    tag_dependency,
)
from ..citations.links import reference_anchor
from ..images import picture
from ..querysets import private_q, related_articles
from ..references.formatting import (
    DEFAULT_STYLE,
    csl_locale,
    formatted_references,
    html_to_text,
)
from ..references.identifiers import links
from ..seo import seo, translations
from ..structured_data import article_graph
from .shapes import (
    PersonEntry,
    Picture,
    ReferenceEntry,
    RelatedArticle,
    Review,
    RichText,
    SchemaOrgGraph,
    Seo,
    TableOfContentsEntry,
    TagRef,
    Translation,
    block_shape,
)

# What an article's body serves, from its blocks.
ArticleBody = block_shape(ArticleBodyBlock(), "ArticleBody")


class TagListField(Field):
    """Tags as ``[{"name", "slug"}]``, read from the prefetch cache when present."""

    def to_representation(self, manager) -> list[TagRef]:
        tags = sorted(manager.all(), key=lambda tag: tag.name.lower())
        return [{"name": tag.name, "slug": tag.slug} for tag in tags]


class ReferenceListField(Field):
    """The numbered reference list: key, CSL-JSON, formatted citation, links.

    Numbered in the order the body first cites each reference, then the
    uncited ones; ``cited`` tells them apart.
    """

    def get_attribute(self, instance):
        return instance

    def to_representation(self, article) -> list[ReferenceEntry]:
        # Checked by the viewset (api.validation.citation_style).
        request = self.context.get("request")
        style = (
            request.GET.get("citation_style", DEFAULT_STYLE)
            if request
            else DEFAULT_STYLE
        )
        cited = set(article.cited_keys)
        references = article.numbered_references
        items = [reference.as_csl() for reference in references]
        locale = csl_locale(article.locale.language_code)
        entries = []
        for reference, csl, formatted_html in zip(
            references, items, formatted_references(items, style, locale), strict=True
        ):
            entries.append(
                {
                    "number": reference.number,
                    "key": reference.key,
                    "anchor": reference_anchor(reference.key),
                    "cited": reference.key in cited,
                    "csl": csl,
                    "formatted": html_to_text(formatted_html),
                    "formatted_html": formatted_html,
                    "links": links(csl),
                    "raw_text": reference.raw_text,
                }
            )
        return entries


class ArticleBodyField(Field):
    """The body blocks, with in-text citations numbered as the reference list."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, article) -> ArticleBody:
        context = {**self.context, "reference_numbers": article.reference_numbers}
        return article.body.stream_block.get_api_representation(article.body, context)


class RelatedArticlesField(Field):
    """Articles sharing the most tags, then conditions, with this one."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, article) -> list[RelatedArticle]:
        # Served without a request (Wagtail's API v3 gives fields none),
        # URLs are the site's and there is no v2 detail_url.
        request = self.context.get("request")
        router = self.context.get("router")
        view = self.context.get("view")
        if hasattr(view, "get_related_candidates"):
            candidates = view.get_related_candidates()
        else:  # Wagtail's own PagesAPIViewSet serving the article
            candidates = type(article).objects.live().exclude(private_q())
        related = related_articles(article, candidates)
        # Chosen by tags and condition names: a change to an article with
        # one of them may change the choice.
        depends_on(
            *(tag_dependency(tag.pk) for tag in article.tags.all()),
            *(
                condition_dependency(name)
                for names in condition_names(article.outline.sections)
                for name in names
            ),
            *(page_dependency(page.pk) for page, _, _ in related),
        )
        return [
            {
                "id": page.pk,
                "meta": {
                    "type": f"{page._meta.app_label}.{type(page).__name__}",
                    **(
                        {
                            "detail_url": get_full_url(
                                request,
                                router.get_object_detail_urlpath(type(page), page.pk),
                            )
                        }
                        if router
                        else {}
                    ),
                    "html_url": page.get_full_url(request),
                },
                "title": page.title,
                "summary": page.summary,
                "shared_tags": shared_tags,
                "shared_conditions": shared_conditions,
            }
            for page, shared_tags, shared_conditions in related
        ]


def person_data(person) -> PersonEntry:
    return {
        "id": person.pk,
        "name": person.name,
        "credentials": person.credentials,
        "job_title": person.job_title,
        "bio": person.bio,
        "url": person.profile_url,
        "same_as": person.same_as_urls,
    }


class PeopleField(Field):
    """Authors or reviewers, in their order: name, credentials, bio, links."""

    def to_representation(self, manager) -> list[PersonEntry]:
        return [person_data(entry.person) for entry in manager.all()]


class ReviewField(Field):
    """When the article was reviewed, when it is due again, and whether late."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, article) -> Review:
        status = article.review_status()
        return {
            "last_reviewed": article.last_reviewed
            and article.last_reviewed.isoformat(),
            "next_review_due": article.next_review_due
            and article.next_review_due.isoformat(),
            "status": status,
            "overdue": status == "overdue",
        }


class DisclaimerField(Field):
    """The article's disclaimer, or else the site's, as rich text."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, article) -> RichText:
        rich_text_format = self.context.get(
            "_wagtail_rich_text_format", APIRichText.get_default_format()
        )
        request = self.context.get("request")
        if request is not None:
            text = article.disclaimer_for(request)
        else:  # served without a request (Wagtail's API v3): the page's site's
            site_settings = apps.get_model("health_articles", "HealthArticleSettings")
            text = article.disclaimer or (
                site_settings.for_site(article.get_site()).medical_disclaimer
            )
        return APIRichText.serialize(text, format=rich_text_format)


class SchemaOrgField(Field):
    """The article as a schema.org JSON-LD graph (see structured_data)."""

    def get_attribute(self, instance):
        return instance

    def to_representation(self, article) -> SchemaOrgGraph:
        return article_graph(article, self.context.get("request"))


class CountField(Field):
    """A whole number the article computes: its word count, reading time."""

    def to_representation(self, value) -> int:
        return value


class TableOfContentsField(Field):
    """The condition sections in order, with their anchors."""

    def to_representation(self, entries) -> list[TableOfContentsEntry]:
        return entries


class PictureField(Field):
    """An image field as a picture for ``use`` (``health_articles.images``),
    or null."""

    def __init__(self, use, **kwargs):
        self.use = use
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, image) -> Picture:
        return picture(image, self.use, self.context.get("request"))


class SeoField(Field):
    """An article's title, description, canonical URL and Open Graph image
    (``health_articles.seo``)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, page) -> Seo:
        return seo(page, self.context.get("request"))


class TranslationsField(Field):
    """The article in each language it is published in (``seo.translations``)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, page) -> list[Translation]:
        return translations(page, self.context.get("request"))
