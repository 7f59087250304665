"""What readers may see: public pages of a site, media outside restricted
collections, articles by tag, tags with their counts, and the articles
related to an article.

Plain functions over querysets; the article model comes with the queryset
(or the article) passed in, so this module imports no models of the app and
the models may use it.
"""

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from taggit.models import Tag
from wagtail.models import PageViewRestriction

from . import codes
from .body import CONDITION_SEPARATOR, condition_names
from .caching import EVERYTHING, LIVE_PAGES, kept

# Filter values longer than a tag name can be, or more of them than any
# reader would combine, are refused rather than queried.
MAX_TAG_LENGTH = 100
MAX_TAGS_PER_FILTER = 20


class TagFilterError(ValueError):
    pass


# The most codes one ?condition_code= may ask for.
MAX_CONDITION_CODES = 20


def filter_by_condition_codes(queryset, raw_values, model):
    """Pages of ``model`` with a condition coded by any of the ``SYSTEM:CODE``
    values (comma-separated); an ICD code also finds the codes below it
    (ICD10:M16 finds M16.1). ``codes.CodeError`` for a malformed one."""
    values = [value for raw in raw_values for value in raw.split(",")]
    if len(values) > MAX_CONDITION_CODES:
        raise codes.CodeError(f"at most {MAX_CONDITION_CODES} codes")
    wanted = [codes.parse(value) for value in values]
    match = Q()
    for system, code in wanted:
        key = codes.key(system, code)
        match |= Q(
            condition_index__contains=f"{CONDITION_SEPARATOR}{key}{CONDITION_SEPARATOR}"
        )
        if codes.SYSTEMS[system].hierarchical:
            match |= Q(condition_index__contains=f"{CONDITION_SEPARATOR}{key}.")
    articles = model.objects.filter(match).values("pk")
    return queryset.filter(pk__in=articles)


def private_q():
    """Wagtail's ``PageQuerySet.private_q()`` (pages under a view
    restriction), with the restrictions read once a process until they, or
    the tree, change."""

    def restricted():
        return list(
            PageViewRestriction.objects.values_list("page__path", "page__depth")
        )

    private = Q(pk__in=[])
    for path, depth in kept("restricted-pages", restricted):
        private |= Q(path__startswith=path, depth__gte=depth)
    return private


def public_pages(site, model):
    """Live pages (of ``model``) of ``site`` and of its translations that need
    no password, login or group: what every reader, and the shared caches,
    may see. The page view restrictions are read once."""
    if site is None:
        return model.objects.none()
    pages = model.objects.live().exclude(private_q())
    scoped = pages.descendant_of(site.root_page, inclusive=True)
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        for path, depth in root_translations(site.root_page):
            scoped |= pages.filter(path__startswith=path, depth__gte=depth)
    return scoped


def root_translations(root):
    """(path, depth) of the translations of a site's root page, read once a
    process until pages go live or stop being live (a translation's pages
    are not public before) or everything changes (a move)."""

    def read():
        return list(root.get_translations().values_list("path", "depth"))

    return kept(("root-translations", root.pk), read, (EVERYTHING, LIVE_PAGES))


def tagged_items(model):
    """The through model of the tags of article ``model``."""
    return model._meta.get_field("tagged_items").related_model


def tags_with_counts(articles):
    """Tags used by ``articles``, each annotated with its ``count`` of them."""
    # The taggings, as a Tag names them ("health_articles_healtharticletag_items").
    taggings = tagged_items(articles.model)._meta.get_field("tag").related_query_name()
    return Tag.objects.filter(
        **{f"{taggings}__content_object__in": articles.values("pk")}
    ).annotate(count=Count(taggings, distinct=True))


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


def _tagged(model, tag_ids):
    return (
        tagged_items(model)
        .objects.filter(tag_id__in=tag_ids)
        .values("content_object_id")
    )


def filter_by_tags(queryset, all_of=(), any_of=(), model=None):
    """Pages of ``queryset`` with every tag in ``all_of`` and one in ``any_of``.

    Values match a tag's slug or name, ignoring case. The tags are those of
    article ``model`` (by default the queryset's own). The filters are
    subqueries on the page id, so the result can still be searched.
    """
    if not all_of and not any_of:
        return queryset
    model = model or queryset.model
    matches = _matching_tag_ids([*all_of, *any_of])
    for value in all_of:
        if not matches[value]:
            return queryset.none()
        queryset = queryset.filter(pk__in=_tagged(model, matches[value]))
    if any_of:
        tag_ids = set().union(*(matches[value] for value in any_of))
        if not tag_ids:
            return queryset.none()
        queryset = queryset.filter(pk__in=_tagged(model, tag_ids))
    return queryset


def related_articles(article, candidates, limit=5):
    """Up to ``limit`` of ``candidates`` ranked by (shared tags, shared conditions).

    One query, however many candidates there are: the database counts, for
    the candidates sharing a tag or a condition name, the tags they share
    and the condition sections of ``article`` they share a name with, and
    returns the best ``limit`` pages. Candidates sharing neither, and those
    in another language, are left out.
    """
    # In the article's language: never its own translation.
    candidates = candidates.exclude(pk=article.pk).filter(locale_id=article.locale_id)
    tag_ids = [tag.pk for tag in article.tags.all()]
    tagged = tagged_items(type(article)).objects.filter(tag_id__in=tag_ids)
    # Counted for the candidates that share something only, each an
    # index-only probe of (article, tag).
    tag_count = Subquery(
        tagged.filter(content_object_id=OuterRef("pk"))
        .values("content_object_id")
        .annotate(shared=Count("tag_id", distinct=True))
        .values("shared")[:1]
    )
    condition_count = Value(0)
    any_condition = Q(pk__in=[])  # matches nothing; OR-ed with each section
    for names in condition_names(article.outline.sections):
        if not names:
            continue
        names_match = Q()
        for name in names:
            names_match |= Q(
                condition_index__contains=f"{CONDITION_SEPARATOR}{name}{CONDITION_SEPARATOR}"
            )
        any_condition |= names_match
        condition_count += Case(When(names_match, then=1), default=0)
    ranked = (
        # The articles with one of the tags, read once (not once a candidate).
        candidates.filter(Q(pk__in=tagged.values("content_object_id")) | any_condition)
        .annotate(
            shared_tags=Coalesce(tag_count, 0),
            shared_conditions=ExpressionWrapper(
                condition_count, output_field=IntegerField()
            ),
        )
        .order_by("-shared_tags", "-shared_conditions", "-pk")[:limit]
    )
    return [(page, page.shared_tags, page.shared_conditions) for page in ranked]
