"""Serializers of the API's pages and tags."""

from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from rest_framework import serializers
from wagtail.api.utils import get_full_url
from wagtail.api.v2.serializers import PageParentField, PageSerializer, RelatedField

from ..caching import LIVE_PAGES, depends_on, page_dependency
from .shapes import TagMeta


class VisibleParentField(PageParentField):
    """``meta.parent`` as Wagtail serves it, found with one query, not two."""

    def get_attribute(self, instance):
        parent_path = instance.path[: -instance.steplen]
        if not parent_path:
            return None
        parent = self.context["base_queryset"].filter(path=parent_path).first()
        # Not public (null): it shows once it goes live (or public, which
        # changes everything).
        depends_on(page_dependency(parent.pk) if parent else LIVE_PAGES)
        return parent


class OnceBuiltRelatedField(RelatedField):
    """A related object (``hero_image``) as Wagtail serves it, by one
    serializer for the whole listing: Wagtail builds one, and its fields
    from the model, for each page."""

    @cached_property
    def serializer(self):
        return self.serializer_class(context=self.context)

    def to_representation(self, value):
        return self.serializer.to_representation(value)


class ArticlePageSerializer(PageSerializer):
    serializer_related_field = OnceBuiltRelatedField
    parent = VisibleParentField(read_only=True)

    def to_representation(self, instance):
        depends_on(page_dependency(instance.pk))
        return super().to_representation(instance)


class TagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    meta = serializers.SerializerMethodField()
    name = serializers.CharField()
    slug = serializers.CharField()
    count = serializers.IntegerField()

    def get_meta(self, tag) -> TagMeta:
        request = self.context["request"]
        router = self.context["router"]
        detail = reverse(f"{router.url_namespace}:tags:detail", args=(tag.slug,))
        try:
            html = reverse("health_articles:tag", args=(tag.slug,))
        except NoReverseMatch:
            html = None
        return {
            "type": "taggit.Tag",
            "detail_url": get_full_url(request, detail),
            "html_url": html and request.build_absolute_uri(html),
        }
