"""Images for real layouts: a *picture* is an image with its named
renditions, each a width-based srcset in the image's own format and in
AVIF and WebP where Pillow can write them, with absolute URLs, sizes, alt
text and the focal point (the crops keep it in view).

The renditions of each use (the hero image, images of the body) come from
``HEALTH_ARTICLES_IMAGE_RENDITIONS``: use -> rendition name -> aspect ratio
(``"16:9"``, or ``None`` for the image's own) and widths. A rendition's
``url``, ``width`` and ``height`` are those of its middle width (the upper
of two), for ``<img src>``; a smaller original gives no larger rendition
(Wagtail never upscales), so a srcset holds only the widths it can have.
"""

import contextlib
import contextvars
import functools

from django.conf import settings
from PIL import features
from wagtail.api.utils import get_full_url
from wagtail.images import get_image_model
from wagtail.images.models import Filter

from .media import restricted_collection_ids

DEFAULT_RENDITIONS = {
    "hero_image": {
        "thumbnail": {"ratio": "1:1", "widths": [160, 320]},
        "card": {"ratio": "16:9", "widths": [400, 800]},
        # 1200x630 at its middle width: the size link previews ask for.
        "hero": {"ratio": "40:21", "widths": [800, 1200, 1600]},
    },
    "body": {
        "figure": {"ratio": None, "widths": [480, 960, 1440]},
    },
    # The site's publisher's logo, for search engines (at least 112 px).
    "logo": {
        "logo": {"ratio": None, "widths": [600]},
    },
}

# Served to browsers that accept them, smallest first; Pillow may lack one.
MODERN_FORMATS = [
    (name, f"image/{name}") for name in ("avif", "webp") if features.check(name)
]


def renditions_for(use):
    """The named renditions of ``use``, as the settings give them."""
    table = getattr(settings, "HEALTH_ARTICLES_IMAGE_RENDITIONS", DEFAULT_RENDITIONS)
    return table[use]


def _resize(ratio, width):
    if ratio is None:
        return f"width-{width}"
    across, down = (int(part) for part in ratio.split(":"))
    return f"fill-{width}x{round(width * down / across)}"


def _specs(table):
    """{(name, width, format or None): filter spec} for every rendition."""
    specs = {}
    for name, rendition in table.items():
        for width in rendition["widths"]:
            resize = _resize(rendition["ratio"], width)
            specs[name, width, None] = resize
            for fmt, _ in MODERN_FORMATS:
                specs[name, width, fmt] = f"{resize}|format-{fmt}"
    return specs


@functools.cache
def _filter(spec):
    """Wagtail's ``Filter`` of ``spec``, made once: it parses its operations
    the first time they are asked for, which costs more than the rest of a
    picture."""
    return Filter(spec=spec)


def _srcset(renditions, request):
    """``url 800w, url 1200w``; one candidate a width (small originals give
    the same rendition for several)."""
    seen = {}
    for rendition in renditions:
        seen.setdefault(rendition.width, get_full_url(request, rendition.url))
    return ", ".join(f"{url} {width}w" for width, url in sorted(seen.items()))


def picture(image, use, request, alt=None):
    """``image`` as the API and the templates give it, for ``use``; ``alt``
    overrides the image's own alt text (``""`` for a decorative image).
    URLs are absolute with ``request`` (on its site), paths without.
    Renditions are made once and kept; prefetch ``renditions`` to read them
    with no query. None for an image of a restricted collection: readers
    get nothing of those (as the images endpoint). Kept on the image: the
    hero's picture serves ``hero_picture``, ``seo`` and the JSON-LD alike."""
    kept = image.__dict__.setdefault("_health_articles_pictures", {})
    key = (use, request is not None and get_full_url(request, "/"), alt)
    if key not in kept:
        kept[key] = _picture(image, use, request, alt)
    return kept[key]


def _picture(image, use, request, alt):
    if image.collection_id in restricted_collection_ids():
        return None
    table = renditions_for(use)
    specs = _specs(table)
    made = image.get_renditions(*map(_filter, specs.values()))

    def candidates(name, fmt):
        return [made[specs[name, width, fmt]] for width in table[name]["widths"]]

    named = {}
    for name, rendition in table.items():
        widths = rendition["widths"]
        default = made[specs[name, widths[len(widths) // 2], None]]
        named[name] = {
            "url": get_full_url(request, default.url),
            "width": default.width,
            "height": default.height,
            "srcset": _srcset(candidates(name, None), request),
            "sources": [
                {"type": mime, "srcset": _srcset(candidates(name, fmt), request)}
                for fmt, mime in MODERN_FORMATS
            ],
        }
    focal = image.get_focal_point()
    return {
        "id": image.pk,
        "title": image.title,
        "alt": image.default_alt_text if alt is None else alt,
        "width": image.width,
        "height": image.height,
        "focal_point": focal
        and {
            "x": round(focal.centroid.x),
            "y": round(focal.centroid.y),
            "width": round(focal.width),
            "height": round(focal.height),
        },
        "renditions": named,
    }


# Images loaded for a listing's figures, by id: read by the figure block
# instead of a query for each article's body (see ``known_images``).
KNOWN_IMAGES = contextvars.ContextVar("health_articles_known_images", default=None)


def figure_images(pages):
    """{id: image} of the figures in ``pages``' bodies, with their renditions:
    two queries for all of them."""
    ids = set()
    for page in pages:
        for block in getattr(getattr(page, "body", None), "raw_data", ()):
            if block["type"] == "figure" and isinstance(block["value"], dict):
                image = block["value"].get("image")
                if isinstance(image, dict) and isinstance(image.get("image"), int):
                    ids.add(image["image"])
    if not ids:
        return {}
    return get_image_model().objects.prefetch_related("renditions").in_bulk(ids)


@contextlib.contextmanager
def known_images(images):
    """Within the block, figures read their images from ``images``."""
    token = KNOWN_IMAGES.set(images)
    try:
        yield
    finally:
        KNOWN_IMAGES.reset(token)
