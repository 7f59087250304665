"""Articles related to an article: by shared tags, then shared conditions."""

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

from .blocks import CONDITION_SEPARATOR as SEPARATOR
from .blocks import condition_names
from .models import HealthArticleTag


def related_articles(article, candidates, limit=5):
    """Up to ``limit`` of ``candidates`` ranked by (shared tags, shared conditions).

    One query, however many candidates there are: the database counts, for
    the candidates sharing a tag or a condition name, the tags they share
    and the condition sections of ``article`` they share a name with, and
    returns the best ``limit`` pages. Candidates sharing neither are left out.
    """
    candidates = candidates.exclude(pk=article.pk)
    tag_ids = [tag.pk for tag in article.tags.all()]
    tagged = HealthArticleTag.objects.filter(tag_id__in=tag_ids)
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
    for names in condition_names(article.body):
        if not names:
            continue
        names_match = Q()
        for name in names:
            names_match |= Q(condition_index__contains=f"{SEPARATOR}{name}{SEPARATOR}")
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
