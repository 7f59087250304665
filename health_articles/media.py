"""What readers may see of images and documents: nothing of a collection
under a view restriction, whatever their session holds (the API's answers
are shared by every reader)."""

from django.core.cache import cache
from django.db.models import Q
from wagtail.models import Collection, CollectionViewRestriction

from .caching import DEFAULT_TIMEOUT, EVERYTHING, generation


def restricted_collections():
    """Collections under a view restriction, their descendants too: readers
    see nothing of them through the API, whatever their session holds."""
    paths = Collection.objects.filter(
        pk__in=CollectionViewRestriction.objects.values("collection_id")
    ).values_list("path", flat=True)
    under = Q(pk__in=[])
    for path in paths:
        under |= Q(path__startswith=path)
    return Collection.objects.filter(under)


def restricted_collection_ids():
    """The ids of the restricted collections, kept until content changes (a
    restriction added or removed makes everything stale)."""
    key = f"health_articles:restricted-collections:{generation(EVERYTHING)}"
    ids = cache.get(key)
    if ids is None:
        ids = set(restricted_collections().values_list("pk", flat=True))
        cache.set(key, ids, DEFAULT_TIMEOUT)
    return ids
