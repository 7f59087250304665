"""Articles to and from a JSON document, with nothing lost on the way.

``export_document`` writes every article with its structured data; importing
that document with ``import_document`` restores it. Import validates the
whole document before writing anything, and names the place of each error.

A hero image is written as the path of its file (``hero_image.file``) with
its title, alt text and focal point. Export copies the files into an
``images`` folder beside the document (or, for a document written to
standard output, names them in the media storage); import reads them from
the folder it is given and reuses an image with the same content.
"""

import datetime
import uuid
from pathlib import Path

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from taggit.models import Tag
from wagtail.blocks import StreamBlockValidationError
from wagtail.images import get_image_model
from wagtail.models import Locale, PageViewRestriction, Site
from wagtail.utils.file import hash_filelike

from .blocks import RICH_TEXT_FEATURES, sanitise
from .body import cited_reference_keys
from .models import (
    ArticleAuthor,
    ArticleReviewer,
    HealthArticleIndexPage,
    HealthArticlePage,
    Person,
    Reference,
)
from .references.keys import repeated_references

FORMAT = "health_articles/1"
PERSON_FIELDS = ["name", "credentials", "job_title", "bio", "profile_url", "same_as"]


class DocumentError(ValueError):
    """A document that cannot be imported, with where and why."""

    def __init__(self, location, message):
        super().__init__(f"{location}: {message}")
        self.location = location


def _date(value):
    return value.isoformat() if value else None


def export_document(articles, files=None):
    """The articles (a queryset of HealthArticlePage) as a JSON-ready dict;
    hero images' files are copied into ``files``/images/ where given."""
    articles = (
        articles.order_by("path")
        .select_related("hero_image", "locale")
        .prefetch_related(
            "tags",
            "references",
            "article_authors__person",
            "article_reviewers__person",
            "view_restrictions__groups",
        )
    )
    people = {}
    entries = []
    for article in articles:
        for person in article.people:
            people[person.pk] = {
                field: getattr(person, field) for field in PERSON_FIELDS
            }
        parent = article.get_parent()
        site = article.get_site()
        entries.append(
            {
                "title": article.title,
                "slug": article.slug,
                "index": parent.slug,
                "site": site and f"{site.hostname}:{site.port}",
                "index_path": site and _path_in(site, parent),
                "locale": article.locale.language_code,
                "translation_key": str(article.translation_key),
                "live": article.live,
                "scheduled": article.approved_schedule,
                "go_live_at": _date(article.go_live_at),
                "expire_at": _date(article.expire_at),
                "view_restrictions": [
                    {
                        "type": restriction.restriction_type,
                        "password": restriction.password,
                        "groups": sorted(
                            group.name for group in restriction.groups.all()
                        ),
                    }
                    for restriction in article.view_restrictions.all()
                ],
                "first_published_at": _date(article.first_published_at),
                "last_published_at": _date(article.last_published_at),
                "hero_image": article.hero_image
                and _image_entry(article.hero_image, files),
                "seo_title": article.seo_title,
                "search_description": article.search_description,
                "summary": article.summary,
                "body": article.body.get_prep_value(),
                "tags": sorted(tag.name for tag in article.tags.all()),
                "references": [
                    {field: getattr(ref, field) for field in Reference.content_fields}
                    for ref in article.references.all()
                ],
                "authors": [person.name for person in article.authors],
                "reviewers": [person.name for person in article.reviewers],
                "last_reviewed": _date(article.last_reviewed),
                "next_review_due": _date(article.next_review_due),
                "disclaimer": article.disclaimer,
            }
        )
    return {
        "format": FORMAT,
        "people": sorted(people.values(), key=lambda person: person["name"]),
        "articles": entries,
    }


def _path_in(site, page):
    """``page``'s path on ``site`` ("/" for its root page)."""
    return "/" + page.url_path[len(site.root_page.url_path) :]


def _image_entry(image, files):
    name = image.file.name
    if files is not None:
        name = f"images/{image.pk}-{Path(name).name}"
        (Path(files) / "images").mkdir(exist_ok=True)
        with image.open_file() as source:
            (Path(files) / name).write_bytes(source.read())
    focal = None
    if image.has_focal_point():
        focal = {
            "x": image.focal_point_x,
            "y": image.focal_point_y,
            "width": image.focal_point_width,
            "height": image.focal_point_height,
        }
    return {
        "file": name,
        "title": image.title,
        "alt": image.description,
        "focal_point": focal,
    }


def _require(mapping, key, kind, location):
    if key not in mapping:
        raise DocumentError(location, f"missing field “{key}”")
    value = mapping[key]
    if not isinstance(value, kind):
        raise DocumentError(
            f"{location}.{key}", f"expected {kind.__name__}, got {type(value).__name__}"
        )
    return value


def _optional(mapping, key, kind, location, default):
    """``mapping[key]`` checked to be of ``kind``, or ``default`` when absent
    or null."""
    if mapping.get(key) is None:
        return default
    return _require(mapping, key, kind, location)


def _strings(mapping, key, location, max_length=None):
    """``mapping[key]``: a list of non-empty strings of at most ``max_length``."""
    values = _require(mapping, key, list, location)
    for number, value in enumerate(values):
        here = f"{location}.{key}[{number}]"
        if not isinstance(value, str) or not value.strip():
            raise DocumentError(here, "expected a non-empty string")
        if max_length and len(value) > max_length:
            raise DocumentError(here, f"longer than {max_length} characters")
    return values


def _parse_date(mapping, key, location, kind=datetime.date):
    value = _optional(mapping, key, str, location, None)
    location = f"{location}.{key}"
    if value is None:
        return None
    try:
        parsed = kind.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise DocumentError(location, f"not an ISO date: {value!r}") from exc
    return parsed


def _first_error(error, location):
    if hasattr(error, "message_dict"):
        field, messages = next(iter(error.message_dict.items()))
        return DocumentError(f"{location}.{field}", messages[0])
    return DocumentError(location, error.messages[0])


def _build_references(entries, location):
    references = []
    for number, entry in enumerate(entries):
        here = f"{location}[{number}]"
        if not isinstance(entry, dict):
            raise DocumentError(here, "expected an object")
        # A reference needs a key and a title; other fields may be left out.
        values = {
            field: _require(entry, field, str, here)
            if field in ("key", "title") or field in entry
            else ""
            for field in Reference.content_fields
        }
        reference = Reference(sort_order=number, **values)
        try:
            reference.full_clean(exclude=["page"])
        except ValidationError as exc:
            raise _first_error(exc, here) from exc
        references.append(reference)
    for index, field, earlier in repeated_references(references):
        raise DocumentError(
            f"{location}[{index}].{field}",
            f"repeats the {field} of {location}[{earlier}] "
            f"(“{references[earlier].key}”)",
        )
    return references


def _build_body(raw, keys, location):
    stream_block = HealthArticlePage._meta.get_field("body").stream_block
    try:
        value = stream_block.to_python(raw)
        value = stream_block.clean(value)
    except StreamBlockValidationError as exc:
        where, message = _first_block_error(exc.as_json_data())
        raise DocumentError(f"{location}{where}", message) from exc
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as exc:
        raise DocumentError(location, f"not a body: {exc}") from exc
    for path, key in cited_reference_keys(value):
        if key not in keys:
            where = "".join(
                f"[{step}]" if isinstance(step, int) else f".{step}" for step in path
            )
            raise DocumentError(
                f"{location}{where}", f"no reference has the key “{key}”"
            )
    return value  # cleaned: rich text reduced to what the editor allows


def _first_block_error(data, where=""):
    """The place and message of the first error in Wagtail's block error JSON."""
    if data.get("messages"):
        return where, data["messages"][0]
    children = data["blockErrors"]
    key, child = next(iter(children.items()))
    step = f"[{key}]" if str(key).isdigit() else f".{key}"
    return _first_block_error(child, where + step)


def _people(entries):
    people = {}
    for number, entry in enumerate(entries):
        here = f"people[{number}]"
        if not isinstance(entry, dict):
            raise DocumentError(here, "expected an object")
        values = {field: _require(entry, field, str, here) for field in PERSON_FIELDS}
        person = Person.objects.filter(name=values["name"]).first() or Person()
        for field, value in values.items():
            setattr(person, field, value)
        try:
            person.full_clean(exclude=["photo"])
        except ValidationError as exc:
            raise _first_error(exc, here) from exc
        person.save()
        people[person.name] = person
    return people


def _hero_image(entry, location, files):
    """The image of ``entry["hero_image"]``, or None: an image with the same
    file content where one exists, else a new one from the file in
    ``files``."""
    value = _optional(entry, "hero_image", dict, location, None)
    if value is None:
        return None
    here = f"{location}.hero_image"
    name = _require(value, "file", str, here)
    path = (Path(files or ".") / name).resolve()
    if files is None or not path.is_relative_to(Path(files).resolve()):
        raise DocumentError(f"{here}.file", f"“{name}” is not in the images' folder")
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise DocumentError(
            f"{here}.file", f"cannot read “{name}”: {exc.strerror}"
        ) from exc
    image_model = get_image_model()
    digest = hash_filelike(ContentFile(content))  # as Wagtail's file_hash
    image = image_model.objects.filter(file_hash=digest).first() or image_model(
        file=ContentFile(content, name=path.name), file_hash=digest
    )
    image.title = _require(value, "title", str, here)
    image.description = _optional(value, "alt", str, here, "")
    focal = _optional(value, "focal_point", dict, here, {})
    for field in ("x", "y", "width", "height"):
        number = focal.get(field)
        if number is not None and (not isinstance(number, int) or number < 0):
            raise DocumentError(
                f"{here}.focal_point.{field}", "expected a whole number"
            )
        setattr(image, f"focal_point_{field}", number)
    try:
        image.full_clean(exclude=["file", "file_hash", "collection"])
    except ValidationError as exc:
        raise _first_error(exc, here) from exc
    image.save()
    return image


def _index(entry, location):
    """The article index of ``entry``: at ``index_path`` on ``site`` (as
    export writes them), or, for a document without them, the one index
    called ``index``."""
    site_name = _optional(entry, "site", str, location, None)
    if site_name is not None:
        hostname, _, port = site_name.rpartition(":")
        site = Site.objects.filter(
            hostname=hostname, port=int(port) if port.isdigit() else 0
        ).first()
        if site is None:
            raise DocumentError(f"{location}.site", f"no site “{site_name}”")
        path = _require(entry, "index_path", str, location).strip("/")
        url_path = site.root_page.url_path + (f"{path}/" if path else "")
        index = HealthArticleIndexPage.objects.filter(url_path=url_path).first()
        if index is None:
            raise DocumentError(
                f"{location}.index_path",
                f"no article index at “/{path}” on {site_name}",
            )
        return index
    slug = _require(entry, "index", str, location)
    indexes = list(HealthArticleIndexPage.objects.filter(slug=slug)[:2])
    if not indexes:
        raise DocumentError(f"{location}.index", f"no article index “{slug}”")
    if len(indexes) > 1:
        raise DocumentError(
            f"{location}.index",
            f"several article indexes are called “{slug}”: give site and index_path",
        )
    return indexes[0]


def _locale(entry, location):
    code = _optional(entry, "locale", str, location, None)
    if code is None:
        return Locale.get_default()
    locale = Locale.objects.filter(language_code=code).first()
    if locale is None:
        raise DocumentError(f"{location}.locale", f"no locale “{code}” on this site")
    return locale


def _translation_key(entry, location):
    key = _optional(entry, "translation_key", str, location, None)
    try:
        return key and uuid.UUID(key)
    except ValueError as exc:
        raise DocumentError(f"{location}.translation_key", "not a UUID") from exc


def _existing(index, locale, key, slug, location):
    """The article the entry updates, or None for a new one: the same
    article (its translation key and locale) wherever it is, which must be
    under ``index``: never a second copy of an article of another site."""
    article = key and (
        HealthArticlePage.objects.filter(translation_key=key, locale=locale).first()
    )
    if not article:
        return HealthArticlePage.objects.child_of(index).filter(slug=slug).first()
    if article.get_parent().pk != index.pk:
        raise DocumentError(
            location, f"this article is already elsewhere, at {article.url_path}"
        )
    return article


def _restrictions(entry, location):
    """(type, password, groups) of each view restriction of ``entry``."""
    found = []
    values = _optional(entry, "view_restrictions", list, location, [])
    for number, value in enumerate(values):
        here = f"{location}.view_restrictions[{number}]"
        if not isinstance(value, dict):
            raise DocumentError(here, "expected an object")
        kind = _require(value, "type", str, here)
        if kind not in dict(PageViewRestriction.RESTRICTION_CHOICES):
            raise DocumentError(f"{here}.type", f"not a restriction type: {kind!r}")
        names = _strings(value, "groups", here) if "groups" in value else []
        groups = list(Group.objects.filter(name__in=names))
        missing = sorted(set(names) - {group.name for group in groups})
        if missing:
            raise DocumentError(f"{here}.groups", f"no group “{missing[0]}”")
        found.append((kind, _optional(value, "password", str, here, ""), groups))
    return found


def _import_article(entry, location, people, files):
    index = _index(entry, location)
    locale = _locale(entry, location)
    key = _translation_key(entry, location)
    restrictions = _restrictions(entry, location)
    references = _build_references(
        _require(entry, "references", list, location), f"{location}.references"
    )
    keys = {reference.key for reference in references}
    body = _build_body(
        _require(entry, "body", list, location), keys, f"{location}.body"
    )
    slug = _require(entry, "slug", str, location)
    article = _existing(index, locale, key, slug, location)
    is_new = article is None
    if is_new:
        article = HealthArticlePage(slug=slug, locale=locale)
        if key:
            article.translation_key = key
    article.title = _require(entry, "title", str, location)
    article.summary = _require(entry, "summary", str, location)
    article.seo_title = _optional(entry, "seo_title", str, location, "")
    article.search_description = _optional(
        entry, "search_description", str, location, ""
    )
    try:
        article.disclaimer = sanitise(
            _optional(entry, "disclaimer", str, location, ""), RICH_TEXT_FEATURES
        )
    except ValueError as exc:
        raise DocumentError(f"{location}.disclaimer", str(exc)) from exc
    article.body = body
    article.first_published_at = _parse_date(
        entry, "first_published_at", location, datetime.datetime
    )
    last_published_at = _parse_date(
        entry, "last_published_at", location, datetime.datetime
    )
    article.hero_image = _hero_image(entry, location, files)
    article.go_live_at = _parse_date(entry, "go_live_at", location, datetime.datetime)
    article.expire_at = _parse_date(entry, "expire_at", location, datetime.datetime)
    article.last_reviewed = _parse_date(entry, "last_reviewed", location)
    article.next_review_due = _parse_date(entry, "next_review_due", location)
    live = _optional(entry, "live", bool, location, True)
    article.references = references
    for field, model in (("authors", ArticleAuthor), ("reviewers", ArticleReviewer)):
        names = _strings(entry, field, location)
        missing = [name for name in names if name not in people]
        if missing:
            raise DocumentError(f"{location}.{field}", f"no person “{missing[0]}”")
        setattr(
            article,
            f"article_{field}",
            [
                model(person=people[name], sort_order=position)
                for position, name in enumerate(names)
            ],
        )
    tags = _strings(entry, "tags", location, Tag._meta.get_field("name").max_length)
    try:
        if is_new:
            article.live = False
            index.add_child(instance=article)
        article.tags.set(tags, clear=True)
        article.full_clean()
    except ValidationError as exc:
        raise _first_error(exc, location) from exc
    # Restricted before it is published: never public for a moment.
    article.view_restrictions.all().delete()
    for kind, password, groups in restrictions:
        restriction = PageViewRestriction.objects.create(
            page=article, restriction_type=kind, password=password
        )
        restriction.groups.set(groups)
    revision = article.save_revision()
    if live or _optional(entry, "scheduled", bool, location, False):
        # Published, or scheduled to be: Wagtail holds a revision whose
        # go-live time is to come until publish_scheduled publishes it.
        revision.publish()
        if last_published_at:  # when it was last published, not imported
            HealthArticlePage.objects.filter(pk=article.pk).update(
                last_published_at=last_published_at
            )
            article.last_published_at = last_published_at
    return article


def import_document(document, progress=None, files=None):
    """Create or update the document's articles, all of them or none; hero
    images are read from the folder ``files``."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DocumentError("format", f"not a {FORMAT} document")
    entries = _require(document, "articles", list, "document")
    with transaction.atomic():
        people = _people(_require(document, "people", list, "document"))
        articles = []
        for number, entry in enumerate(entries):
            location = f"articles[{number}]"
            if not isinstance(entry, dict):
                raise DocumentError(location, "expected an object")
            articles.append(_import_article(entry, location, people, files))
            if progress:
                progress(number + 1, len(entries), articles[-1])
    return articles
