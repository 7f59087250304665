"""What readers may see of images and documents: nothing of a collection
under a view restriction, whatever their session holds (the API's answers
are shared by every reader)."""

from django.db.models import Q
from wagtail.models import Collection, CollectionViewRestriction

from .caching import kept


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
    return kept(
        "restricted-collections",
        lambda: set(restricted_collections().values_list("pk", flat=True)),
    )
