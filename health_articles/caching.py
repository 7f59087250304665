"""HTTP caching of the API: answers stored with what they depend on.

An answer depends on named parts of the content, its *dependencies*: each
page it shows (``page:<id>``), the tags (``tag:<id>``) and condition names
(``condition:<hash>``) related articles are chosen by, the listings of
pages (``pages``: any page change; ``live-pages``: which pages are live, and
``taggings``: which page has which tag, for listings that select by nothing
else), of images (``images``), of documents (``documents``), and
``all`` (sites, settings, privacy, moves: everything depends on it). The
code that reads a part while an answer is built names it (``depends_on``);
every committed change that readers could see names the parts it changed
(``changed``, called after commit by the signal handlers).

Each part has a *generation*: the value of one shared sequence when it last
changed. A stored answer keeps the generation of each part it depends on and
is served, or answered with a 304, while they are all unchanged; its ETag is
made of them. Publishing an edit of one live article so makes stale the
answers that show it, and searches and listings filtered by fields, and
leaves every other article's detail, listing page and tag valid. Listings
keep each article's serialised form the same way (``items``), encoded, so
a listing rebuilt after a publish serialises the one article that changed
and decodes and encodes none of the others again; the site and the view
restrictions it is chosen by are kept by each process (``kept``) until
everything changes. Answers hold the date too: an article's review status
moves on with it.

The same names go out as cache tags (``Cache-Tag``, ``Surrogate-Key`` and
``xkey``) for a CDN or Varnish to purge by, and ``changed`` purges the
Varnish servers of ``HEALTH_ARTICLES_PURGE_URLS`` by them.

A request for one answer builds it once: others asking for it meanwhile, in
any process sharing the cache, wait for it rather than build it too.
"""

import contextvars
import datetime
import hashlib
import io
import logging
import threading
import time
import urllib.request
from contextlib import contextmanager
from email.utils import formatdate

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.exceptions import TooManyFieldsSent
from django.core.handlers.wsgi import WSGIRequest
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseNotModified
from django.http.request import split_domain_port
from django.urls import resolve
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_http_date_safe, urlencode

logger = logging.getLogger(__name__)

EVERYTHING = "all"
PAGES = "pages"
LIVE_PAGES = "live-pages"
TAGGINGS = "taggings"
IMAGES = "images"
DOCUMENTS = "documents"
REDIRECTS = "redirects"

SEQUENCE_KEY = "health_articles:sequence"
GENERATION_KEY = "health_articles:generation:{}"
ANSWER_KEY = "health_articles:answer:{}"
ITEM_KEY = "health_articles:item:{}:{}"
SELECTION_KEY = "health_articles:selection:{}"
DEFAULT_CACHE_CONTROL = "public, max-age=60"
DEFAULT_TIMEOUT = 60 * 60
# While one request builds an answer, others asking for it wait this long
# at most, looking for it every BUILD_POLL seconds.
BUILDING_KEY = "{}:building"
BUILD_WAIT = 10
BUILD_POLL = 0.02
# At most this many answers are stored for one path (query strings aside)
# in VARIANTS_WINDOW seconds, unless HEALTH_ARTICLES_API_MAX_VARIANTS says
# otherwise: beyond, answers are built each time rather than a flood of
# query strings filling the cache.
MAX_VARIANTS = 1000
VARIANTS_WINDOW = 10 * 60
VARIANTS_KEY = "health_articles:variants:{}"
PURGE_TIMEOUT = 2
PURGE_BATCH = 400
# The listings' item variants in use (``warm``): {variant: (where, when
# last used)}, the WARM_VARIANTS last used; a change of at most WARM_PAGES
# pages builds them again for each.
WARM_KEY = "health_articles:warm-variants"
WARM_VARIANTS = 8
WARM_PAGES = 3
WARM_NOTED = 60
WARMING = "_health_articles_warming"


def page_dependency(pk):
    return f"page:{pk}"


def tag_dependency(pk):
    return f"tag:{pk}"


def condition_dependency(name):
    """A condition name as a cache tag (any text, hashed to a token)."""
    return "condition:" + hashlib.blake2b(name.encode(), digest_size=6).hexdigest()


def _store():
    # The backend itself: each use of the ``cache`` proxy looks it up again,
    # which costs as much as a read on this path.
    return caches[DEFAULT_CACHE_ALIAS]


def _digest(*parts):
    text = "\n".join(str(part) for part in parts)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


# --- dependencies and generations -------------------------------------------

_collected = contextvars.ContextVar("health_articles_dependencies", default=None)


def depends_on(*names):
    """The answer being built shows or chose by these parts."""
    collected = _collected.get()
    if collected is not None:
        collected.update(names)


@contextmanager
def collecting():
    """The set of names ``depends_on`` is given while the block runs; a
    block inside another passes its names on to the outer one."""
    outer = _collected.get()
    names = set()
    token = _collected.set(names)
    try:
        yield names
    finally:
        _collected.reset(token)
        if outer is not None:
            outer.update(names)


def _sequence(store):
    """The sequence's value now, or None when the cache cannot say."""
    value = store.get(SEQUENCE_KEY)
    if value is None:
        # Seeded from the clock, so that a sequence lost (a flushed cache)
        # starts again above every generation handed out before.
        store.add(SEQUENCE_KEY, time.time_ns() // 1000, timeout=None)
        value = store.get(SEQUENCE_KEY)
    return value


def generations(store, names):
    """{name: generation} for ``names``, or None when the cache cannot say.
    A part never changed (or whose generation was evicted) gets the
    sequence's value now, which no answer stored before it can hold."""
    keys = {GENERATION_KEY.format(name): name for name in names}
    found = {keys[key]: value for key, value in store.get_many(list(keys)).items()}
    missing = [name for name in names if name not in found]
    if missing:
        now = _sequence(store)
        if now is None:
            return None
        for name in missing:
            key = GENERATION_KEY.format(name)
            # add, not set: a change recorded meanwhile must not be undone.
            found[name] = now if store.add(key, now, timeout=None) else store.get(key)
            if found[name] is None:
                return None
    return found


def _still_valid(store, held):
    return held is not None and generations(store, held) == held


# A change this process could not record (the cache was unreachable): it is
# recorded, as a change of everything, as soon as the cache answers again,
# before anything stored is used.
_unrecorded_change = False


def changed(*names, purging=True):
    """Make stale what depends on any of ``names`` (after the change is
    committed), and purge it from the Varnish servers."""
    global _unrecorded_change
    if _unrecorded_change:
        names = (*names, EVERYTHING)
    store = _store()
    try:
        value = store.incr(SEQUENCE_KEY)
    except ValueError:  # never seeded, or evicted
        _sequence(store)
        value = store.incr(SEQUENCE_KEY)
    failed = (
        store.set_many(
            {GENERATION_KEY.format(name): value for name in names}, timeout=None
        )
        if value is not None
        else True
    )
    _unrecorded_change = bool(failed)
    if purging:
        purge(names)


def _record_unrecorded_change():
    # Varnish was purged when the change was made.
    if _unrecorded_change:
        changed(EVERYTHING, purging=False)


def purge(names):
    """Ask each Varnish of ``HEALTH_ARTICLES_PURGE_URLS`` to drop what is
    tagged with any of ``names`` (the VCL in deploy/varnish/ answers a
    ``PURGE``). A change to which pages are live, or to everything (privacy,
    sites, settings), is purged at once (``xkey-purge``): a withdrawn page is
    never served again. An edit of what is live is purged softly
    (``xkey-softpurge``): Varnish answers with what it has while it fetches
    the new answer, so that readers do not wait for a publish. A Varnish
    that does not answer is logged, not fatal: its answers expire with
    their max-age."""
    header = (
        "xkey-purge" if {LIVE_PAGES, EVERYTHING} & set(names) else ("xkey-softpurge")
    )
    names = sorted(names)
    # Under Varnish's 8 KB a header (a tag renamed names all its articles).
    batches = [names[i : i + PURGE_BATCH] for i in range(0, len(names), PURGE_BATCH)]
    for url in getattr(settings, "HEALTH_ARTICLES_PURGE_URLS", ()):
        for batch in batches:
            headers = {header: " ".join(batch)}
            # http or https, as checks.E001 makes sure.
            request = urllib.request.Request(url, method="PURGE", headers=headers)  # noqa: S310
            try:
                urllib.request.urlopen(request, timeout=PURGE_TIMEOUT).close()  # noqa: S310
            except Exception as error:  # noqa: BLE001 (after commit: never fatal)
                logger.warning("Could not purge %s from %s: %s", batch, url, error)


def generation(name):
    """The generation of one part: a key for what is kept until it changes."""
    _record_unrecorded_change()
    found = generations(_store(), [name])
    return found[name] if found else time.time_ns()


# What this process keeps while everything is unchanged: {key: (generation
# of EVERYTHING, value)}, at most KEPT_ENTRIES.
_kept = {}
KEPT_ENTRIES = 256


def kept(key, compute, names=(EVERYTHING,)):
    """``compute()``, reused by this process until the generation of one of
    ``names`` moves (by default ``all``: a site, a view restriction, a move,
    what the sites and the private parts of the tree are read from). Read
    after the change is committed, a generation is never older than what
    ``compute`` reads."""
    _record_unrecorded_change()
    now = generations(_store(), names)
    held = _kept.get(key)
    if now is not None and held is not None and held[0] == now:
        return held[1]
    value = compute()
    if now is not None:
        if len(_kept) >= KEPT_ENTRIES:
            _kept.clear()
        _kept[key] = (now, value)
    return value


# --- requests and answers ---------------------------------------------------


def _asks_for_html(request):
    """Whether content negotiation will pick the browsable API's HTML (never
    stored: it carries the visitor's CSRF token). Every Accept header that
    gets JSON is one variant, so a URL has one JSON answer stored."""
    try:
        chosen = request.GET.get("format")
    except TooManyFieldsSent:  # the view answers that with a 400
        return False
    if chosen is not None:
        return chosen == "api"
    accept = request.headers.get("Accept", "")
    if not accept or any(kind in accept for kind in ("json", "*/*", "application/*")):
        return False
    return "text/html" in accept


def _asks_for_random(request):
    try:
        return request.GET.get("order") == "random"
    except TooManyFieldsSent:
        return False


def _today():
    # An article's review status ("overdue") moves on with the date.
    return datetime.date.today().isoformat()


def answer_key(request):
    """The cache key of the answer to ``request`` (one for every Accept
    header that gets JSON)."""
    return ANSWER_KEY.format(
        _digest(request.scheme, request.get_host(), request.get_full_path(), _today())
    )


class Lookup:
    """What the cache holds for a request: the stored answer (``entry``: its
    content, content type, the generations it holds and when it was built)
    and whether it is still valid, and the sequence before any building."""

    def __init__(self, request):
        _record_unrecorded_change()
        self.store = _store()
        self.key = answer_key(request)
        found = self.store.get_many([self.key, SEQUENCE_KEY])
        self.entry = found.get(self.key)
        self.sequence = found.get(SEQUENCE_KEY) or _sequence(self.store)
        self.valid = self.entry is not None and _still_valid(
            self.store, self.entry["generations"]
        )


def _etag(key, held):
    return '"' + _digest(key, sorted(held.items())) + '"'


def _etag_matches(request, etag):
    """Whether the request's If-None-Match names ``etag``. "*" is not
    honoured: whether the URL has an answer is not known before the view."""
    if_none_match = request.headers.get("If-None-Match") or ""
    candidates = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return etag in candidates


def _unmodified_since(request, modified):
    """Whether the request's If-Modified-Since (when it sends no
    If-None-Match, which comes first) is at or after ``modified``."""
    if request.headers.get("If-None-Match") is not None:
        return False
    since = parse_http_date_safe(request.headers.get("If-Modified-Since") or "")
    return since is not None and modified <= since


def _answer(request, key, entry):
    """The stored ``entry`` as a response, or a 304 when the request has it."""
    etag = _etag(key, entry["generations"])
    if _etag_matches(request, etag) or _unmodified_since(request, entry["modified"]):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(entry["content"], content_type=entry["content_type"])
    return _with_validators(response, etag, entry["modified"], entry["generations"])


def _timeout():
    # None keeps stored answers until the next change, 0 stores none.
    return getattr(settings, "HEALTH_ARTICLES_API_CACHE_TIMEOUT", DEFAULT_TIMEOUT)


def _built_since(sequence, held):
    """Whether a part changed after ``sequence`` was read: then what was
    built may hold the content from before, and is not stored."""
    return held is None or sequence is None or any(g > sequence for g in held.values())


def _modified(entry):
    """Last-Modified of an answer built now: a second past the stale one's
    at least, so that a change within a second moves it on too."""
    now = int(time.time())
    return max(now, entry["modified"] + 1) if entry else now


def _wait_for(store, key):
    """The valid answer another request is building, once stored (or None
    if it takes longer than BUILD_WAIT seconds: then this request builds)."""
    deadline = time.monotonic() + BUILD_WAIT
    while time.monotonic() < deadline:
        entry = store.get(key)
        if entry is not None and _still_valid(store, entry["generations"]):
            return entry
        if store.get(BUILDING_KEY.format(key)) is None:  # done or gave up
            entry = store.get(key)
            valid = entry is not None and _still_valid(store, entry["generations"])
            return entry if valid else None
        time.sleep(BUILD_POLL)
    return None


LOOKUP = "_health_articles_lookup"


class CachedAPIMixin:
    """ETags, Last-Modified, Cache-Control, cache tags, 304s and stored
    answers for GETs.

    A view whose answers belong to one reader (``cache_responses = False``)
    is answered fresh each time and marked ``private, no-store``, and so is
    a request for ``order=random`` (which should differ each time) and any
    answer that is not JSON: the browsable API's HTML carries the visitor's
    CSRF token. Views name what they read with ``depends_on``; every answer
    depends on ``all`` too.
    """

    cache_responses = True

    def dispatch(self, request, *args, **kwargs):
        if getattr(request, WARMING, False):  # builds items, stores no answer
            setattr(request, LOOKUP, Lookup(request))
            return super().dispatch(request, *args, **kwargs)
        if (
            not self.cache_responses
            or _asks_for_random(request)
            or _asks_for_html(request)
        ):
            return _private(super().dispatch(request, *args, **kwargs))
        if request.method not in ("GET", "HEAD"):
            return super().dispatch(request, *args, **kwargs)
        # StoredAPIResponseMiddleware leaves its lookup when it answered not.
        lookup = getattr(request, LOOKUP, None) or Lookup(request)
        setattr(request, LOOKUP, lookup)
        store, key = lookup.store, lookup.key
        if lookup.valid:
            return _answer(request, key, lookup.entry)
        timeout = _timeout()
        building = False
        if timeout != 0:
            # One build per stale answer: the first request builds it, the
            # others (in any process sharing the cache) wait for it.
            building = store.add(BUILDING_KEY.format(key), 1, BUILD_WAIT)
            if not building:
                entry = _wait_for(store, key)
                if entry is not None:
                    return _answer(request, key, entry)
        try:
            with collecting() as names:
                response = super().dispatch(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            if hasattr(response, "render"):
                response.render()
            if not response.get("Content-Type", "").startswith("application/json"):
                return _private(response)
            held = generations(store, {EVERYTHING, *names})
            entry = {
                "content": response.content,
                "content_type": response["Content-Type"],
                "generations": held,
                "modified": _modified(lookup.entry),
            }
            if (
                timeout != 0
                and not _built_since(lookup.sequence, held)
                and (lookup.entry is not None or _room_for_a_variant(store, request))
            ):
                store.set(key, entry, timeout)
        finally:
            if building:
                store.delete(BUILDING_KEY.format(key))
        if held is None:  # the cache cannot say: no validators
            return _with_validators(response, None, entry["modified"], {})
        return _answer(request, key, entry)


def _room_for_a_variant(store, request):
    """Whether one more answer may be stored for the request's path."""
    limit = getattr(settings, "HEALTH_ARTICLES_API_MAX_VARIANTS", MAX_VARIANTS)
    key = VARIANTS_KEY.format(_digest(request.path))
    store.add(key, 0, VARIANTS_WINDOW)
    try:
        count = store.incr(key)
    except ValueError:  # expired between add and incr
        return True
    return count is not None and count <= limit


def selection(request, names, select):
    """``select()``: the ids of a listing's page of results and its total
    count, kept while ``names`` (what decides which pages it holds, in what
    order) are unchanged: after an edit of a live page, a listing is built
    again without counting or ordering the pages anew."""
    lookup = getattr(request, LOOKUP, None)
    if (
        lookup is None
        or _timeout() == 0
        or _asks_for_random(request)
        or getattr(request, WARMING, False)
    ):
        return select()
    store = lookup.store
    key = SELECTION_KEY.format(
        _digest(request.scheme, request.get_host(), request.get_full_path())
    )
    entry = store.get(key)
    if entry is not None and _still_valid(store, entry["generations"]):
        return entry["value"]
    value = select()
    held = generations(store, {EVERYTHING, *names})
    if not _built_since(lookup.sequence, held):
        store.set(key, {"value": value, "generations": held}, _timeout())
    return value


# The query parameters that change how a listing serialises each item.
ITEM_PARAMETERS = {"type", "fields", "citation_style", "rich_text_format", "site"}


def items(request, objects, serialize):
    """``serialize(obj)`` of each of ``objects`` (ids, in order, and a
    function loading some of them: ``objects(ids)`` gives {id: object}),
    reusing each one's serialised form while what it depends on is
    unchanged. The key holds what the request asks of each item
    (``ITEM_PARAMETERS``), not which items it selects or in what order. An
    item gone between the two (unpublished meanwhile) is left out."""
    lookup = getattr(request, LOOKUP, None)
    ids, load = objects
    if lookup is None or _timeout() == 0:
        loaded = load(ids)
        return [serialize(loaded[pk]) for pk in ids if pk in loaded]
    store = lookup.store
    query = sorted(
        (name, value) for name, value in request.GET.lists() if name in ITEM_PARAMETERS
    )
    where = (request.scheme, request.get_host(), request.path, query)
    variant = _digest(*where, _today())
    keys = {pk: ITEM_KEY.format(variant, pk) for pk in ids}
    stored = store.get_many([*keys.values(), WARM_KEY])
    if not getattr(request, WARMING, False):
        noted = stored.get(WARM_KEY) or {}
        _note_variant(store, noted, variant, (*where, request.get_port()))
    entries = {pk: stored[keys[pk]] for pk in ids if keys[pk] in stored}
    names = {name for entry in entries.values() for name in entry["generations"]}
    now = generations(store, names) if names else {}
    data = {}
    for pk, entry in entries.items():
        if now and all(now.get(n) == g for n, g in entry["generations"].items()):
            data[pk] = entry["data"]
            depends_on(*entry["generations"])
    missing = [pk for pk in ids if pk not in data]
    if missing:
        loaded = load(missing)
        missing = [pk for pk in missing if pk in loaded]
        built = {}
        for pk in missing:
            with collecting() as item_names:
                data[pk] = serialize(loaded[pk])
            built[pk] = {EVERYTHING, *item_names}
        held = generations(store, set().union(*built.values()))
        if not _built_since(lookup.sequence, held):
            store.set_many(
                {
                    keys[pk]: {
                        "data": data[pk],
                        "generations": {n: held[n] for n in built[pk]},
                    }
                    for pk in missing
                },
                _timeout(),
            )
    return [data[pk] for pk in ids if pk in data]


def _note_variant(store, used, variant, where):
    """Keep ``where`` a listing's items variant is asked (``warm``)."""
    now = time.time()
    if variant in used and now - used[variant][1] < WARM_NOTED:
        return
    used[variant] = (where, now)
    for oldest in sorted(used, key=lambda v: used[v][1])[:-WARM_VARIANTS]:
        del used[oldest]
    store.set(WARM_KEY, used, None)


_warming = threading.local()


def warm_after_request(names):
    """``warm(names)`` once the request in hand has sent its answer (with
    the other changes it commits: a publish commits several times), or now
    outside a request (a command)."""
    if getattr(_warming, "names", None) is None:
        warm(names)
    else:
        _warming.names |= set(names)


def request_started(**kwargs):
    _warming.names = set()


def request_finished(**kwargs):
    names, _warming.names = getattr(_warming, "names", None), None
    if names:
        warm(names)


def warm(names):
    """After a change of a few pages (``names``, as given to ``changed``),
    build their serialised forms again for each listing variant in use, so
    that the next reader of a listing finds every article kept: the
    publishing process serialises the article, not the reader's. A change
    of everything or of more than WARM_PAGES pages is left to readers."""
    pages = [name.removeprefix("page:") for name in names if name.startswith("page:")]
    if EVERYTHING in names or not pages or len(pages) > WARM_PAGES or _timeout() == 0:
        return
    try:
        used = _store().get(WARM_KEY) or {}
    except Exception as error:  # noqa: BLE001 (after commit: never fatal)
        logger.warning("Could not read the listings to build again: %s", error)
        return
    for where, _when in list(used.values())[:WARM_VARIANTS]:
        for pk in pages:
            try:
                _build_items(*where, pk)
            except Exception as error:  # noqa: BLE001 (readers build it then)
                logger.warning("Could not build page %s for %s: %s", pk, where, error)


def _build_items(scheme, host, path, query, port, pk):
    """Ask the listing at ``path`` (with ``query``) for page ``pk`` alone,
    as it was asked (``scheme``, ``host`` and ``port``: the site and the
    URLs in the items), storing its item and no answer."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": urlencode([*query, ("id", [pk])], doseq=True),
        "HTTP_HOST": host,
        "HTTP_ACCEPT": "application/json",
        "SERVER_NAME": split_domain_port(host)[0],
        "SERVER_PORT": port,
        "wsgi.url_scheme": scheme,
        "wsgi.input": io.BytesIO(),
    }
    request = WSGIRequest(environ)
    setattr(request, WARMING, True)
    match = resolve(path)
    match.func(request, *match.args, **match.kwargs)


def _private(response):
    """``response`` as one reader's: never stored, here or on the way."""
    response["Cache-Control"] = "private, no-store"
    return response


def _with_validators(response, etag, modified, held):
    if etag:
        response["ETag"] = etag
    response["Last-Modified"] = formatdate(modified, usegmt=True)
    response["Cache-Control"] = getattr(
        settings, "HEALTH_ARTICLES_API_CACHE_CONTROL", DEFAULT_CACHE_CONTROL
    )
    if held:
        tags = sorted(held)
        response["Cache-Tag"] = ",".join(tags)
        response["Surrogate-Key"] = response["xkey"] = " ".join(tags)
    patch_vary_headers(response, ["Accept"])
    return response


class StoredAPIResponseMiddleware:
    """Answers a GET of the API whose answer is stored and valid (with it, or
    with a 304) before the rest of the middleware and the view run; anything
    else goes on as usual, with the lookup left on the request for
    ``CachedAPIMixin``. Optional: the mixin alone gives the same bodies and
    validators, later (and with the headers of the middleware after this
    one). Put it right after CORS, which must still add its headers, so
    that CSRF, authentication and messages, which the API does not use, are
    skipped. ``HEALTH_ARTICLES_API_PREFIX`` is the API's path (``/api/``).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = getattr(settings, "HEALTH_ARTICLES_API_PREFIX", "/api/")

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and request.path.startswith(self.prefix)
            and not _asks_for_html(request)
        ):
            try:
                lookup = Lookup(request)
            except DatabaseError:
                # A database cache under pressure: the view answers (a 503).
                return self.get_response(request)
            # Only an answer stored by a cached view is answered here.
            if lookup.valid:
                return _answer(request, lookup.key, lookup.entry)
            setattr(request, LOOKUP, lookup)
        return self.get_response(request)
