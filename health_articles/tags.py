"""The articles readers can see and the tags they browse them by."""

from django.conf import settings
from django.db.models import Count, Q
from taggit.models import Tag

from .models import HealthArticlePage, HealthArticleTag

# Filter values longer than a tag name can be, or more of them than any
# reader would combine, are refused rather than queried.
MAX_TAG_LENGTH = 100
MAX_TAGS_PER_FILTER = 20


class TagFilterError(ValueError):
    pass


def public_pages(site, model=HealthArticlePage):
    """Live pages (of ``model``) of ``site`` and of its translations that need
    no password, login or group: what every reader, and the shared caches,
    may see. The page view restrictions are read once."""
    if site is None:
        return model.objects.none()
    pages = model.objects.live().public()
    scoped = pages.descendant_of(site.root_page, inclusive=True)
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        for translation in site.root_page.get_translations():
            scoped |= pages.descendant_of(translation, inclusive=True)
    return scoped


def tags_with_counts(articles):
    """Tags used by ``articles``, each annotated with its ``count`` of them."""
    return Tag.objects.filter(
        health_articles_healtharticletag_items__content_object__in=articles.values("pk")
    ).annotate(count=Count("health_articles_healtharticletag_items", distinct=True))


def tag_with_count(articles, slug):
    """The tag of ``slug`` with its count among ``articles``, or None."""
    if "\x00" in slug:  # no tag has one, and PostgreSQL refuses to compare it
        return None
    return tags_with_counts(articles).filter(slug=slug).first()


def parse_tag_values(raw_values, parameter):
    """Split repeated and comma-separated tag values, refusing malformed ones."""
    values = []
    for raw in raw_values:
        for value in raw.split(","):
            value = value.strip()
            if not value:
                raise TagFilterError(f"{parameter}: empty tag in {raw!r}")
            if len(value) > MAX_TAG_LENGTH:
                raise TagFilterError(
                    f"{parameter}: a tag is at most {MAX_TAG_LENGTH} characters"
                )
            values.append(value)
    if len(values) > MAX_TAGS_PER_FILTER:
        raise TagFilterError(
            f"{parameter}: at most {MAX_TAGS_PER_FILTER} tags can be combined"
        )
    return values


def _matching_tag_ids(values):
    """Map each value to the ids of tags whose slug or name it matches."""
    query = Q()
    for value in values:
        query |= Q(slug__iexact=value) | Q(name__iexact=value)
    matches = {value: set() for value in values}
    for tag_id, name, slug in Tag.objects.filter(query).values_list(
        "id", "name", "slug"
    ):
        for value in values:
            if value.casefold() in (name.casefold(), slug.casefold()):
                matches[value].add(tag_id)
    return matches


def _tagged(tag_ids):
    return HealthArticleTag.objects.filter(tag_id__in=tag_ids).values(
        "content_object_id"
    )


def filter_by_tags(queryset, all_of=(), any_of=()):
    """Pages of ``queryset`` with every tag in ``all_of`` and one in ``any_of``.

    Values match a tag's slug or name, ignoring case. The filters are
    subqueries on the page id, so the result can still be searched.
    """
    if not all_of and not any_of:
        return queryset
    matches = _matching_tag_ids([*all_of, *any_of])
    for value in all_of:
        if not matches[value]:
            return queryset.none()
        queryset = queryset.filter(pk__in=_tagged(matches[value]))
    if any_of:
        tag_ids = set().union(*(matches[value] for value in any_of))
        if not tag_ids:
            return queryset.none()
        queryset = queryset.filter(pk__in=_tagged(tag_ids))
    return queryset
