"""HTTP caching of the API: one content version, ETags, stored responses.

Every change readers could see (publishing, unpublishing, deleting or moving
a page, a new privacy setting, edits to people, tags, images, documents,
sites or settings) moves the content version on. A response's ETag is the
version and the request; a conditional request whose ETag still matches
answers 304 before any view code runs, and a full response is stored in the
cache under its ETag, so it is built once per version: by one request, while
others asking for it at the same time wait for it rather than build it too.
"""

import hashlib
import math
import re
import time
from email.utils import formatdate

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.exceptions import TooManyFieldsSent
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_http_date_safe

VERSION_KEY = "health_articles:content_version"
RESPONSE_KEY = "health_articles:response:{}"
DEFAULT_CACHE_CONTROL = "public, max-age=60"
DEFAULT_TIMEOUT = 60 * 60
# While one request builds a response, others asking for it wait this long
# at most, looking for it every BUILD_POLL seconds.
BUILDING_KEY = "{}:building"
BUILD_WAIT = 10
BUILD_POLL = 0.02
# At most this many answers are stored for one path (query strings aside)
# and content version, unless HEALTH_ARTICLES_API_MAX_VARIANTS says otherwise:
# beyond, answers are built each time rather than fill the cache.
MAX_VARIANTS = 100
VARIANTS_KEY = "health_articles:variants:{}:{}"


# A change this process could not record (the cache was unreachable): it is
# recorded as soon as the cache answers again, before anything stored is used.
_unrecorded_change = False


def content_version(store=None):
    """Seconds since the epoch of the last change readers could see."""
    store = store or cache
    if _unrecorded_change:
        bump_content_version(store)
    version = store.get(VERSION_KEY)
    if version is None:
        version = time.time()
        store.add(VERSION_KEY, version, timeout=None)
        version = store.get(VERSION_KEY, version)
    return version


def bump_content_version(store=None, **kwargs):
    """Mark all stored responses and ETags as stale (a signal receiver)."""
    global _unrecorded_change
    store = store or cache
    previous = store.get(VERSION_KEY) or 0
    # A second on at least: Last-Modified (whole seconds) must move on too.
    version = max(time.time(), math.floor(previous) + 1)
    recorded = store.set(VERSION_KEY, version, timeout=None)
    # ResilientRedisCache says False when Redis could not be reached.
    _unrecorded_change = recorded is False


BROWSABLE = re.compile(r"(?:^|&)format=api(?:&|$)")
FORMAT = re.compile(r"(?:^|&)format=")


def _variant(request):
    """The kind of answer content negotiation will pick for the request: the
    browsable "html" (never stored), "json", or "other" (refused). Every
    Accept header that gets JSON is one variant, so a URL has one JSON
    answer stored, however many Accept headers ask for it."""
    query = request.META.get("QUERY_STRING", "")
    if BROWSABLE.search(query):
        return "html"
    accept = request.headers.get("Accept", "")
    if (
        FORMAT.search(query)
        or not accept
        or re.search(r"json|\*/\*|application/\*", accept)
    ):
        return "json"
    return "html" if "text/html" in accept else "other"


def _etag(request, version):
    parts = (repr(version), request.scheme, request.get_host(), request.get_full_path())
    parts += (_variant(request),)
    return (
        '"'
        + hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()
        + '"'
    )


def _etag_matches(request, etag):
    """Whether the request's If-None-Match names ``etag``. "*" is not
    honoured: the ETag is known before the view runs, whether the page
    exists or not."""
    if_none_match = request.headers.get("If-None-Match") or ""
    candidates = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return etag in candidates


def _unmodified_since(request, version):
    """Whether the request's If-Modified-Since (when it sends no
    If-None-Match, which comes first) is at or after ``version``. Only for
    an answer known to exist: a date says nothing of the URL."""
    if request.headers.get("If-None-Match") is not None:
        return False
    since = parse_http_date_safe(request.headers.get("If-Modified-Since") or "")
    return since is not None and int(version) <= since


MISSED_LOOKUP = "_health_articles_missed_lookup"


def _lookup(request):
    """The cache backend, content version, ETag and stored-response key of a
    request. The backend itself, because each use of the ``cache`` proxy
    looks it up again, which costs as much as a read on this path."""
    store = caches[DEFAULT_CACHE_ALIAS]
    version = content_version(store)
    etag = _etag(request, version)
    return store, version, etag, RESPONSE_KEY.format(etag.strip('"'))


def _wait_for(store, key):
    """The response another request is building, once stored (or None if
    it takes longer than BUILD_WAIT seconds: then this request builds too)."""
    deadline = time.monotonic() + BUILD_WAIT
    while time.monotonic() < deadline:
        stored = store.get(key)
        if stored is not None:
            return stored
        if store.get(BUILDING_KEY.format(key)) is None:  # done or gave up
            return store.get(key)
        time.sleep(BUILD_POLL)
    return None


class CachedAPIMixin:
    """ETag, Last-Modified, Cache-Control, 304s and stored responses for GETs.

    A view whose answers belong to one reader (``cache_responses = False``)
    is answered fresh each time and marked ``private, no-store``, and so is
    a request for ``order=random`` (which should differ each time) and any
    answer that is not JSON: the browsable API's HTML carries the visitor's
    CSRF token.
    """

    cache_responses = True

    def dispatch(self, request, *args, **kwargs):
        if not self.cache_responses or _asks_for_random(request):
            return _private(super().dispatch(request, *args, **kwargs))
        if request.method not in ("GET", "HEAD"):
            return super().dispatch(request, *args, **kwargs)
        # StoredAPIResponseMiddleware leaves its lookup when nothing was stored.
        missed = getattr(request, MISSED_LOOKUP, None)
        store, version, etag, key = missed or _lookup(request)
        if _etag_matches(request, etag):
            response = HttpResponseNotModified()
        else:
            # None keeps stored answers until the next change, 0 stores none.
            timeout = getattr(
                settings, "HEALTH_ARTICLES_API_CACHE_TIMEOUT", DEFAULT_TIMEOUT
            )
            stored = None if missed else store.get(key)
            building = False
            if stored is None and timeout != 0:
                # One build per stale response: the first request builds it,
                # the others (in any process sharing the cache) wait for it.
                building = store.add(BUILDING_KEY.format(key), 1, BUILD_WAIT)
                if not building:
                    stored = _wait_for(store, key)
            if stored is not None:
                content, content_type = stored
                response = HttpResponse(content, content_type=content_type)
            else:
                try:
                    response = super().dispatch(request, *args, **kwargs)
                    if response.status_code != 200:
                        return response
                    if hasattr(response, "render"):
                        response.render()
                    if not _is_json(response):
                        return _private(response)
                    if timeout != 0 and _room_for_a_variant(
                        store, request, version, timeout
                    ):
                        store.set(
                            key, (response.content, response["Content-Type"]), timeout
                        )
                finally:
                    if building:
                        store.delete(BUILDING_KEY.format(key))
            if _unmodified_since(request, version):  # an answer exists: 304
                response = HttpResponseNotModified()
        return _with_validators(response, etag, version)


def _room_for_a_variant(store, request, version, timeout):
    """Whether one more answer may be stored for the request's path."""
    limit = getattr(settings, "HEALTH_ARTICLES_API_MAX_VARIANTS", MAX_VARIANTS)
    key = VARIANTS_KEY.format(
        version, hashlib.blake2b(request.path.encode(), digest_size=16).hexdigest()
    )
    store.add(key, 0, timeout)
    try:
        return store.incr(key) <= limit
    except ValueError:  # expired between add and incr
        return True


def _asks_for_random(request):
    try:
        return request.GET.get("order") == "random"
    except TooManyFieldsSent:  # the view answers that with a 400
        return False


def _is_json(response):
    return response.get("Content-Type", "").startswith("application/json")


def _private(response):
    """``response`` as one reader's: never stored, here or on the way."""
    response["Cache-Control"] = "private, no-store"
    return response


def _with_validators(response, etag, version):
    response["ETag"] = etag
    response["Last-Modified"] = formatdate(int(version), usegmt=True)
    response["Cache-Control"] = getattr(
        settings, "HEALTH_ARTICLES_API_CACHE_CONTROL", DEFAULT_CACHE_CONTROL
    )
    patch_vary_headers(response, ["Accept"])
    return response


class StoredAPIResponseMiddleware:
    """Answers a GET of the API whose response is stored (with it, or with a
    304) before the rest of the middleware and the view run; anything else
    goes on as usual, with the lookup left on the request for
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
        if request.method in ("GET", "HEAD") and request.path.startswith(self.prefix):
            try:
                store, version, etag, key = _lookup(request)
                stored = store.get(key)
            except DatabaseError:
                # A database cache under pressure: the view answers (a 503).
                return self.get_response(request)
            # Only a response stored by a cached view: nothing else is
            # answered here, not even with a 304.
            if stored is not None:
                if _etag_matches(request, etag) or _unmodified_since(request, version):
                    response = HttpResponseNotModified()
                else:
                    response = HttpResponse(stored[0], content_type=stored[1])
                return _with_validators(response, etag, version)
            setattr(request, MISSED_LOOKUP, (store, version, etag, key))
        return self.get_response(request)
