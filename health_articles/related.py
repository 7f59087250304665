"""Articles related to an article: by shared tags, then shared conditions."""

from django.db.models import Count, Q

from .blocks import CONDITION_SEPARATOR as SEPARATOR
from .blocks import condition_names
from .models import HealthArticleTag


def related_articles(article, candidates, limit=5):
    """Up to ``limit`` of ``candidates`` ranked by (shared tags, shared conditions).

    Costs the same few queries however many candidates there are; candidates
    sharing neither a tag nor a condition are left out.
    """
    candidates = candidates.exclude(pk=article.pk)
    tag_ids = [tag.pk for tag in article.tags.all()]
    shared_tags = dict(
        HealthArticleTag.objects.filter(
            tag_id__in=tag_ids, content_object_id__in=candidates.values("pk")
        )
        .values("content_object_id")
        .annotate(shared=Count("tag_id", distinct=True))
        .values_list("content_object_id", "shared")
    )
    sections = condition_names(article.body)
    shared_conditions = {}
    names = set().union(*sections) if sections else set()
    if names:
        query = Q()
        for name in names:
            query |= Q(condition_index__contains=f"{SEPARATOR}{name}{SEPARATOR}")
        for pk, index in candidates.filter(query).values_list("pk", "condition_index"):
            their_names = set(index.split(SEPARATOR))
            shared_conditions[pk] = sum(
                1 for section in sections if section & their_names
            )
    ranked = sorted(
        set(shared_tags) | set(shared_conditions),
        key=lambda pk: (-shared_tags.get(pk, 0), -shared_conditions.get(pk, 0), -pk),
    )[:limit]
    pages = candidates.in_bulk(ranked)
    return [
        (pages[pk], shared_tags.get(pk, 0), shared_conditions.get(pk, 0))
        for pk in ranked
        if pk in pages
    ]
