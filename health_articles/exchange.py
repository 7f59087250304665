"""Articles to and from a JSON document, with nothing lost on the way.

``export_document`` writes the articles with their structured data; importing
that document with ``import_document`` restores it. Import writes nothing
unless the whole document is valid (one transaction, and the files of the
images it made deleted again), and names the place of each error.

An image (an article's hero image, an image of its body, a person's photo,
a site's publisher logo) is written as the path of its file (``file``)
with its title, alt text, focal point, tags and collection. Export copies
the files into an ``images`` folder beside the document, one folder for
each file's content and the file's own name in it (or, for a document
written to standard output, names them in the media storage); import reads
them from the folder it is given. Import reuses an image only where it is
the same image (the same content, title, alt text, focal point, collection
and tags), so an image several articles show stays one, and never changes
an image already there. Every article is published once, its links to
articles later in the document in it. Export only reads the database. The
format is described in docs/exchange.md.
"""

import datetime
import re
import uuid
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from taggit.models import Tag
from wagtail.blocks import (
    ListBlock,
    RichTextBlock,
    StreamBlock,
    StreamBlockValidationError,
    StructBlock,
)
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageBlock, ImageChooserBlock
from wagtail.models import Collection, Locale, Page, PageViewRestriction, Site
from wagtail.rich_text.rewriters import FIND_A_TAG, extract_attrs
from wagtail.utils.file import hash_filelike

from .blocks import RICH_TEXT_FEATURES, sanitise
from .body import cited_reference_keys
from .models import (
    ArticleAuthor,
    ArticleReviewer,
    HealthArticleIndexPage,
    HealthArticlePage,
    HealthArticleSettings,
    Person,
    Reference,
)
from .references.keys import repeated_references

FORMAT = "health_articles/2"
# The formats import reads: /1 documents gave a body's images and the pages
# of links by their ids (docs/exchange.md, "Older documents").
FORMATS = ("health_articles/1", FORMAT)
PERSON_FIELDS = ["name", "credentials", "job_title", "bio", "profile_url", "same_as"]
# The keys the editor gives the paragraphs of rich text.
BLOCK_KEYS = re.compile(r' data-block-key="[^"]*"')
# A site's health article settings, with their types (and its publisher_logo).
SETTINGS_FIELDS = {
    "review_interval_months": int,
    "citation_style": str,
    "medical_disclaimer": str,
    "publisher_name": str,
    "publisher_url": str,
}


class DocumentError(ValueError):
    """A document that cannot be imported, with where and why."""

    def __init__(self, location, message):
        super().__init__(f"{location}: {message}")
        self.location = location


def _date(value):
    return value.isoformat() if value else None


def _site_name(site):
    return f"{site.hostname}:{site.port}"


def export_document(articles, files=None):
    """The articles (a queryset of HealthArticlePage) as a JSON-ready dict,
    with the people they name and the settings of their sites; the images'
    files are copied into ``files``/images/ where given."""
    articles = (
        articles.order_by("path")
        .select_related("hero_image", "locale")
        .prefetch_related(
            "tags",
            "references",
            "article_authors__person__photo",
            "article_reviewers__person__photo",
            "view_restrictions__groups",
        )
    )
    image_entry, image_entries = _image_entries(files)
    people = {}
    sites = {}
    entries = []
    for article in articles:
        for person in article.people:
            people[person.pk] = _person_entry(person, image_entry)
        parent = article.get_parent()
        site = article.get_site()
        if site and site.pk not in sites:
            sites[site.pk] = _site_entry(site, image_entry)
        entries.append(
            {
                "title": article.title,
                "slug": article.slug,
                "index": parent.slug,
                "site": site and _site_name(site),
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
                "hero_image": article.hero_image and image_entry(article.hero_image),
                "seo_title": article.seo_title,
                "search_description": article.search_description,
                "show_in_menus": article.show_in_menus,
                "summary": article.summary,
                "body": _map_body(
                    article.body.stream_block,
                    article.body.get_prep_value(),
                    lambda pk, where: _image_by_id(pk, image_entry),
                    lambda html, where: _page_links(html, _link_out),
                ),
                "tags": sorted(tag.name for tag in article.tags.all()),
                "references": [
                    {field: getattr(ref, field) for field in Reference.content_fields}
                    for ref in article.references.all()
                ],
                "authors": [person.name for person in article.authors],
                "reviewers": [person.name for person in article.reviewers],
                "last_reviewed": _date(article.last_reviewed),
                "next_review_due": _date(article.next_review_due),
                "disclaimer": _page_links(article.disclaimer, _link_out),
            }
        )
    return {
        "format": FORMAT,
        # Every image named below, in the order the database made them.
        "images": image_entries(),
        "sites": sorted(sites.values(), key=lambda site: site["site"]),
        "people": sorted(people.values(), key=lambda person: person["name"]),
        "articles": entries,
    }


def _person_entry(person, image_entry):
    return {
        **{field: getattr(person, field) for field in PERSON_FIELDS},
        "photo": person.photo and image_entry(person.photo),
        "user": person.user and person.user.get_username(),
    }


def _site_entry(site, image_entry):
    """The health article settings of ``site``, its publisher's logo included:
    read, never created (as ``for_site`` would), the model's defaults for a
    site that has none saved."""
    settings = HealthArticleSettings.objects.filter(
        site=site
    ).first() or HealthArticleSettings(site=site)
    return {
        "site": _site_name(site),
        **{field: getattr(settings, field) for field in SETTINGS_FIELDS},
        "medical_disclaimer": _page_links(settings.medical_disclaimer, _link_out),
        "publisher_logo": settings.publisher_logo
        and image_entry(settings.publisher_logo),
    }


def _site_root(site, locale):
    """The root page of ``site`` in ``locale``: its translation there, as
    Wagtail serves a site in each of its languages (/fr-ca/…)."""
    return site.root_page.get_translation_or_none(locale) or site.root_page


def _path_in(site, page):
    """``page``'s path on ``site`` ("/" for its root page), from the site's
    root page in the page's language."""
    root = _site_root(site, page.locale)
    return "/" + page.url_path[len(root.url_path) :]


def _image_entries(files):
    """A function giving an image's entry, the image's file copied once
    into ``files``/images/ where given, and one giving the entries given,
    in the order of the images' ids."""
    entries = {}

    def image_entry(image):
        if image.pk not in entries:
            entries[image.pk] = _image_entry(image, files)
        return entries[image.pk]

    return image_entry, lambda: [entries[pk] for pk in sorted(entries)]


def _image_by_id(pk, image_entry):
    """The entry of the image ``pk`` a body names, or None (no image) for an
    image that is gone, as the block reads it: its id could name another
    image in another database."""
    image = get_image_model().objects.filter(pk=pk).first()
    return image_entry(image) if image else None


def _image_entry(image, files):
    name = image.file.name
    if files is not None:
        with image.open_file() as source:
            content = source.read()
        # Wagtail's hash, computed here where the image has none yet: not
        # saved (as image.get_file_hash() would), export writes nothing.
        digest = image.file_hash or hash_filelike(ContentFile(content))
        # A folder for each content, and the file's own name in it: the
        # same paths from any database, and the same name once imported.
        name = f"images/{digest[:16]}/{Path(name).name}"
        (Path(files) / name).parent.mkdir(parents=True, exist_ok=True)
        (Path(files) / name).write_bytes(content)
    focal = None
    if image.has_focal_point():
        focal = {
            "x": image.focal_point_x,
            "y": image.focal_point_y,
            "width": image.focal_point_width,
            "height": image.focal_point_height,
        }
    collection = image.collection
    return {
        "file": name,
        "title": image.title,
        "alt": image.description,
        "focal_point": focal,
        "tags": sorted(tag.name for tag in image.tags.all()),
        # The names from the root down, none for the root collection.
        "collection": [c.name for c in collection.get_ancestors()[1:]]
        + ([collection.name] if not collection.is_root() else []),
    }


def _map_body(block, raw, image, text):
    """``raw``, the stored form of a value of ``block`` (a body), with each
    image in it replaced by ``image(value, where)`` and each rich text by
    ``text(html, where)``: on export ids by what names them in any
    database, on import the other way. ``where`` locates a value in the
    body as the body's errors do; what is not of the block's shape is left
    for the block to refuse."""

    def visit(block, raw, where):
        if isinstance(block, ImageBlock) and isinstance(raw, dict) and "image" in raw:
            chooser = block.child_blocks["image"]
            return {**raw, "image": visit(chooser, raw["image"], f"{where}.image")}
        if isinstance(block, (ImageBlock, ImageChooserBlock)):  # an image alone
            return raw if raw is None else image(raw, where)
        if isinstance(block, RichTextBlock):
            return text(raw, where) if isinstance(raw, str) else raw
        if isinstance(block, StreamBlock) and isinstance(raw, list):
            return [
                {**child, "value": visit(child_block, child.get("value"), here)}
                if (child_block := _stream_child(block, child))
                else child
                for here, child in _places(where, raw)
            ]
        if isinstance(block, ListBlock) and isinstance(raw, list):
            # An item as {"type": "item", "value": …, "id": …}, or bare.
            return [
                {**item, "value": visit(block.child_block, item["value"], here)}
                if isinstance(item, dict) and "id" in item and "value" in item
                else visit(block.child_block, item, here)
                for here, item in _places(where, raw)
            ]
        if isinstance(block, StructBlock) and isinstance(raw, dict):
            return {
                name: visit(block.child_blocks[name], value, f"{where}.{name}")
                if name in block.child_blocks
                else value
                for name, value in raw.items()
            }
        return raw

    return visit(block, raw, "")


def _places(where, values):
    """(place, value) of each of a list's ``values``, the list at ``where``."""
    return ((f"{where}[{number}]", value) for number, value in enumerate(values))


def _stream_child(block, child):
    """The block of a stream's ``child`` (stored form), or None for one not
    of a type the stream has."""
    if isinstance(child, dict) and isinstance(child.get("type"), str):
        return block.child_blocks.get(child["type"])
    return None


def _page_links(html, change):
    """``html`` (rich text as stored) with the attributes of each link to a
    page replaced by ``change(attributes)``."""

    def rewrite(match):
        attrs = extract_attrs(match.group(1))
        if attrs.get("linktype") != "page":
            return match.group(0)
        attrs = change(attrs)
        return "<a" + "".join(f' {k}="{_escape(v)}"' for k, v in attrs.items()) + ">"

    return FIND_A_TAG.sub(rewrite, html)


def _escape(value):
    """An attribute's value as ``extract_attrs`` reads it back."""
    for character, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        value = value.replace(character, entity)
    return value.replace('"', "&quot;")


def _link_out(attrs):
    """A page link's attributes naming its page by site, locale and path
    (as ``index_path`` is) instead of by id, which another database gives
    another page; a link to a page gone or on no site is left as it is."""
    page_id = attrs.get("id", "")
    page = Page.objects.filter(pk=page_id).first() if page_id.isdigit() else None
    site = page and page.get_site()
    if site is None:
        return attrs
    rest = {name: value for name, value in attrs.items() if name != "id"}
    return {
        **rest,
        "site": _site_name(site),
        "locale": page.locale.language_code,
        "path": _path_in(site, page),
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


def _build_body(raw, keys, location, images, links):
    stream_block = HealthArticlePage._meta.get_field("body").stream_block
    try:
        raw = _map_body(
            stream_block,
            raw,
            lambda value, where: _image_id(value, f"{location}{where}", images),
            lambda html, where: links.resolve(html, f"{location}{where}"),
        )
    except RecursionError as exc:
        raise DocumentError(location, f"not a body: {exc}") from exc
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


def _rich_text(html, location):
    """``html`` as the editor saves it (``sanitise``); or as it is, where it
    is that already but for the keys the editor gives its paragraphs (an
    untouched default disclaimer has none): it reads the same after."""
    try:
        cleaned = sanitise(html, RICH_TEXT_FEATURES)
    except ValueError as exc:
        raise DocumentError(location, str(exc)) from exc
    if BLOCK_KEYS.sub("", cleaned) == BLOCK_KEYS.sub("", html):
        return html
    return cleaned


def _image_id(value, location, images):
    """The id of the image a body names: an image entry (as export writes
    it) made an image, or an id as older documents give it."""
    if isinstance(value, dict):
        return images.get(value, location).pk
    return value


def _first_block_error(data, where=""):
    """The place and message of the first error in Wagtail's block error JSON."""
    if data.get("messages"):
        return where, data["messages"][0]
    children = data["blockErrors"]
    key, child = next(iter(children.items()))
    step = f"[{key}]" if str(key).isdigit() else f".{key}"
    return _first_block_error(child, where + step)


def _people(entries, images):
    """The document's people by name, each created or updated; a person's
    photo and admin user are left as they are by a document without them."""
    people = {}
    for number, entry in enumerate(entries):
        here = f"people[{number}]"
        if not isinstance(entry, dict):
            raise DocumentError(here, "expected an object")
        values = {field: _require(entry, field, str, here) for field in PERSON_FIELDS}
        person = Person.objects.filter(name=values["name"]).first() or Person()
        for field, value in values.items():
            setattr(person, field, value)
        if "photo" in entry:
            photo = _optional(entry, "photo", dict, here, None)
            person.photo = photo and images.get(photo, f"{here}.photo")
        if "user" in entry:
            person.user = _user(_optional(entry, "user", str, here, None), here)
        try:
            person.full_clean(exclude=["photo"])
        except ValidationError as exc:
            raise _first_error(exc, here) from exc
        person.save()
        people[person.name] = person
    return people


def _user(username, location):
    """The admin user called ``username`` (None for None), who must exist."""
    if username is None:
        return None
    user_model = get_user_model()
    user = user_model.objects.filter(**{user_model.USERNAME_FIELD: username}).first()
    if user is None:
        raise DocumentError(f"{location}.user", f"no user “{username}”")
    return user


def _sites(entries, images, links):
    """The health article settings of each site of ``entries``, publisher's
    logo included; a setting the entry leaves out is left as it is."""
    for number, entry in enumerate(entries):
        here = f"sites[{number}]"
        if not isinstance(entry, dict):
            raise DocumentError(here, "expected an object")
        site = _site(_require(entry, "site", str, here), f"{here}.site")
        settings, _created = HealthArticleSettings.objects.get_or_create(site=site)
        for field, kind in SETTINGS_FIELDS.items():
            setattr(
                settings,
                field,
                _optional(entry, field, kind, here, getattr(settings, field)),
            )
        settings.medical_disclaimer = _rich_text(
            links.resolve(settings.medical_disclaimer, f"{here}.medical_disclaimer"),
            f"{here}.medical_disclaimer",
        )
        if "publisher_logo" in entry:
            logo = _optional(entry, "publisher_logo", dict, here, None)
            settings.publisher_logo = logo and images.get(
                logo, f"{here}.publisher_logo"
            )
        try:
            settings.full_clean(exclude=["site", "publisher_logo"])
        except ValidationError as exc:
            raise _first_error(exc, here) from exc
        settings.save()


class _PageLinks:
    """Links of rich text to pages named by site, locale and path (as export
    writes them) made links by id. Where the page is not there yet (an
    article the document brings later), the link is left bare and the
    place listed in ``missing``, for a second pass; in the last pass
    (``final``) a page not there is an error."""

    def __init__(self):
        self.final = False
        self.missing = []

    def resolve(self, html, location):
        return _page_links(html, lambda attrs: self._attrs(attrs, location))

    def _attrs(self, attrs, location):
        if "path" not in attrs:
            return attrs  # by id, as older documents give them
        rest = {
            name: value
            for name, value in attrs.items()
            if name not in ("site", "locale", "path")
        }
        site = _site(attrs.get("site", ""), location)
        locale = _locale(attrs, location)
        page = _page_at(site, locale, attrs["path"]).first()
        if page is not None:
            return {**rest, "id": str(page.pk)}
        if self.final:
            raise DocumentError(
                location,
                f"a link to no page: “{attrs['path']}” on {attrs['site']} "
                f"in {locale.language_code}",
            )
        self.missing.append(location)
        return {name: value for name, value in rest.items() if name != "linktype"}


class _Images:
    """The images of one import, from the files in the folder ``files``.

    An image is reused only where it is the same image: an image this
    import made from the same entry (file, title, alt text, focal point,
    collection and tags), or one already in the database with the same
    file content and that same title, alt text, focal point, collection and
    tags (those an older entry leaves out aside); any other entry is made a
    new image, even of the same content (two people's photos may be the
    same pixels). An image already there is never changed. The files of
    the images made are listed (``saved``), to be deleted again if the
    import fails."""

    def __init__(self, files):
        self.files = files
        self.made = {}
        self.saved = []

    def get(self, value, here):
        """The image of the entry ``value``, found at ``here``."""
        name = _require(value, "file", str, here)
        files = self.files
        path = (Path(files or ".") / name).resolve()
        if files is None or not path.is_relative_to(Path(files).resolve()):
            raise DocumentError(
                f"{here}.file", f"“{name}” is not in the images' folder"
            )
        image_model = get_image_model()
        image = image_model(
            title=_require(value, "title", str, here),
            description=_optional(value, "alt", str, here, ""),
        )
        focal = _optional(value, "focal_point", dict, here, {})
        for field in ("x", "y", "width", "height"):
            number = focal.get(field)
            if number is not None and (not isinstance(number, int) or number < 0):
                raise DocumentError(
                    f"{here}.focal_point.{field}", "expected a whole number"
                )
            setattr(image, f"focal_point_{field}", number)
        collection = None
        if value.get("collection") is not None:
            collection = _collection(_strings(value, "collection", here), here)
            image.collection = collection
        tags = None
        if value.get("tags") is not None:
            names = _strings(
                value, "tags", here, Tag._meta.get_field("name").max_length
            )
            tags = tuple(sorted(set(names)))
        try:
            image.full_clean(exclude=["file", "file_hash", "collection"])
        except ValidationError as exc:
            raise _first_error(exc, here) from exc
        fields = {
            "title": image.title,
            "description": image.description,
            **{
                f"focal_point_{field}": getattr(image, f"focal_point_{field}")
                for field in ("x", "y", "width", "height")
            },
        }
        key = (path, tuple(fields.values()), collection and collection.pk, tags)
        if key in self.made:
            return self.made[key]
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise DocumentError(
                f"{here}.file", f"cannot read “{name}”: {exc.strerror}"
            ) from exc
        digest = hash_filelike(ContentFile(content))  # as Wagtail's file_hash
        same = _same_image(digest, fields, collection, tags)
        if same is None:
            image.file = ContentFile(content, name=path.name)
            image.file_hash = digest
            image.save()
            self.saved.append(image.file.name)
            if tags is not None:
                image.tags.set(list(tags), clear=True)
        self.made[key] = same or image
        return self.made[key]

    def make(self, values):
        """The images of the entries ``values`` (a document's ``images``),
        made in their order: the order of the database they come from."""
        for number, value in enumerate(values):
            if not isinstance(value, dict):
                raise DocumentError(f"images[{number}]", "expected an object")
            self.get(value, f"images[{number}]")

    def delete_saved(self):
        """Delete the files of the images made (their rows rolled back)."""
        storage = get_image_model()._meta.get_field("file").storage
        for name in self.saved:
            storage.delete(name)


def _same_image(digest, fields, collection, tags):
    """The image already in the database of the file content ``digest``
    with ``fields``, in ``collection`` and with ``tags`` (None: any), or
    None. An image without a hash yet is hashed to be compared, not saved."""
    candidates = (
        get_image_model()
        .objects.filter(**fields)
        .filter(Q(file_hash=digest) | Q(file_hash=""))
    )
    if collection is not None:
        candidates = candidates.filter(collection=collection)
    for candidate in candidates.order_by("pk").prefetch_related("tags"):
        names = tuple(sorted(tag.name for tag in candidate.tags.all()))
        if tags is not None and names != tags:
            continue
        if not candidate.file_hash:
            try:
                with candidate.open_file() as file:
                    if hash_filelike(file) != digest:
                        continue
            except OSError:  # its file is gone
                continue
        return candidate
    return None


def _collection(names, location):
    """The collection of ``names``, from the root down (the root for none)."""
    collection = Collection.get_first_root_node()
    for name in names:
        collection = collection.get_children().filter(name=name).first()
        if collection is None:
            raise DocumentError(
                f"{location}.collection", f"no collection “{'/'.join(names)}”"
            )
    return collection


def _site(name, location):
    """The site called ``name`` (hostname:port, as export writes it)."""
    hostname, _, port = name.rpartition(":")
    site = Site.objects.filter(
        hostname=hostname, port=int(port) if port.isdigit() else 0
    ).first()
    if site is None:
        raise DocumentError(location, f"no site “{name}”")
    return site


def _page_at(site, locale, path):
    """The pages at ``path`` on ``site`` from its root page in ``locale``."""
    path = path.strip("/")
    url_path = _site_root(site, locale).url_path + (f"{path}/" if path else "")
    return Page.objects.filter(url_path=url_path)


def _index(entry, location, locale):
    """The article index of ``entry``: at ``index_path`` on ``site`` (as
    export writes them: from the site's root page in ``locale``), or, for a
    document without them, the one index called ``index``."""
    site_name = _optional(entry, "site", str, location, None)
    if site_name is not None:
        site = _site(site_name, f"{location}.site")
        path = _require(entry, "index_path", str, location)
        index = (
            _page_at(site, locale, path).type(HealthArticleIndexPage).specific().first()
        )
        if index is None:
            raise DocumentError(
                f"{location}.index_path",
                f"no article index at “{path}” on {site_name}"
                f" in {locale.language_code}",
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


def _import_article(entry, location, people, images, links):
    """The article of ``entry`` created (not live) or updated, restricted,
    not published yet: ``_publish`` publishes it, once every article is
    there and the links of its rich text found (``_relink``)."""
    locale = _locale(entry, location)
    index = _index(entry, location, locale)
    key = _translation_key(entry, location)
    restrictions = _restrictions(entry, location)
    references = _build_references(
        _require(entry, "references", list, location), f"{location}.references"
    )
    keys = {reference.key for reference in references}
    body, disclaimer = _linked_text(entry, location, keys, images, links)
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
    article.show_in_menus = _optional(  # left as it is by older documents
        entry, "show_in_menus", bool, location, article.show_in_menus
    )
    article.disclaimer = disclaimer
    article.body = body
    article.first_published_at = _parse_date(
        entry, "first_published_at", location, datetime.datetime
    )
    _parse_date(entry, "last_published_at", location, datetime.datetime)
    hero_image = _optional(entry, "hero_image", dict, location, None)
    article.hero_image = hero_image and images.get(hero_image, f"{location}.hero_image")
    article.go_live_at = _parse_date(entry, "go_live_at", location, datetime.datetime)
    article.expire_at = _parse_date(entry, "expire_at", location, datetime.datetime)
    article.last_reviewed = _parse_date(entry, "last_reviewed", location)
    article.next_review_due = _parse_date(entry, "next_review_due", location)
    _optional(entry, "live", bool, location, True)
    _optional(entry, "scheduled", bool, location, False)
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
    return article


def _linked_text(entry, location, keys, images, links):
    """The body and disclaimer of ``entry``, links to pages found (or, in a
    first pass, listed in ``links.missing``)."""
    body = _build_body(
        _require(entry, "body", list, location), keys, f"{location}.body", images, links
    )
    disclaimer = _rich_text(
        links.resolve(
            _optional(entry, "disclaimer", str, location, ""), f"{location}.disclaimer"
        ),
        f"{location}.disclaimer",
    )
    return body, disclaimer


def _relink(article, entry, location, images, links):
    """``article``'s body and disclaimer again, every article being there:
    its links to articles the document brings later found."""
    keys = {reference.key for reference in article.references.all()}
    article.body, article.disclaimer = _linked_text(
        entry, location, keys, images, links
    )


def _publish(article, entry, location):
    """One revision of ``article``, published (once) where the entry is live
    or scheduled."""
    revision = article.save_revision()
    live = _optional(entry, "live", bool, location, True)
    if live or _optional(entry, "scheduled", bool, location, False):
        # Published, or scheduled to be: Wagtail holds a revision whose
        # go-live time is to come until publish_scheduled publishes it.
        revision.publish()
        last_published_at = _parse_date(
            entry, "last_published_at", location, datetime.datetime
        )
        if last_published_at:  # when it was last published, not imported
            HealthArticlePage.objects.filter(pk=article.pk).update(
                last_published_at=last_published_at
            )
            article.last_published_at = last_published_at


def import_document(document, progress=None, files=None):
    """Create or update the document's articles, the people they name and
    their sites' settings, all of them or none; images are read from the
    folder ``files``."""
    if not isinstance(document, dict):
        raise DocumentError("document", "expected an object")
    if document.get("format") not in FORMATS:
        raise DocumentError(
            "format",
            f"{document.get('format')!r} is not a format this import reads "
            f"({', '.join(FORMATS)}): a document of export_articles has one",
        )
    entries = _require(document, "articles", list, "document")
    images = _Images(files)
    links = _PageLinks()
    try:
        with transaction.atomic():
            # Documents from before images and sites were listed have none.
            images.make(_optional(document, "images", list, "document", []))
            people = _people(_require(document, "people", list, "document"), images)
            # First every article is made or updated, not published yet…
            articles = []
            relink = []  # those linking to articles brought later
            for number, entry in enumerate(entries):
                location = f"articles[{number}]"
                if not isinstance(entry, dict):
                    raise DocumentError(location, "expected an object")
                links.missing = []
                articles.append(_import_article(entry, location, people, images, links))
                if links.missing:
                    relink.append(number)
            # … then, every article there, each link finds its page…
            links.final = True
            for number in relink:
                location = f"articles[{number}]"
                _relink(articles[number], entries[number], location, images, links)
            # … and each article is published once, its links in it.
            for number, (article, entry) in enumerate(
                zip(articles, entries, strict=True)
            ):
                _publish(article, entry, f"articles[{number}]")
                if progress:
                    progress(number + 1, len(entries), article)
            _sites(_optional(document, "sites", list, "document", []), images, links)
    except BaseException:
        images.delete_saved()
        raise
    return articles
