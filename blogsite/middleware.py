"""The site's own middleware: the client's address behind trusted proxies,
the Content-Security-Policy, and a 503 when the database is busy."""

import ipaddress
import logging

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation

logger = logging.getLogger(__name__)
# Where blogsite/urls.py mounts the API: answers there are JSON.
API_PREFIX = "/api/"


class ClientAddressMiddleware:
    """Put the client's address in ``REMOTE_ADDR`` behind ``TRUSTED_PROXIES``
    proxies that each append the address they saw to X-Forwarded-For.

    With N trusted proxies, the N-th address from the right is the one the
    outermost proxy saw: the client's. Addresses left of it are the client's
    own claims and are ignored; a request with fewer addresses than that did
    not come through the proxies, and keeps its own.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        proxies = settings.TRUSTED_PROXIES
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        addresses = [address.strip() for address in forwarded.split(",")]
        if proxies and forwarded and len(addresses) >= proxies:
            try:
                client = str(ipaddress.ip_address(addresses[-proxies]))
            except ValueError:
                pass  # not an address: the proxies' header is not to be trusted
            else:
                request.META["REMOTE_ADDR"] = client
        return self.get_response(request)


class PathLanguageMiddleware:
    """The language of the URL's prefix (``/fr-ca/…``, as ``i18n_patterns``
    give pages of other languages than the default), else the default
    (``LANGUAGE_CODE``). Unlike Django's LocaleMiddleware it never reads
    Accept-Language or a cookie: an address has one language, so answers
    (and the API's, stored and shared) need no ``Vary: Accept-Language``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = (
            translation.get_language_from_path(request.path_info)
            or settings.LANGUAGE_CODE
        )
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return self.get_response(request)


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with one exception for the Wagtail admin: its
    pages may also run inline scripts, which Wagtail 8's own templates still
    have (inline panels, date and time widgets). Reader pages, feeds and the
    API keep the policy as set."""

    def process_response(self, request, response):
        if request.path.startswith(reverse("wagtailadmin_home")):
            response._csp_update = {
                "script-src": [UNSAFE_INLINE],
                **(getattr(response, "_csp_update", None) or {}),
            }
        return super().process_response(request, response)


class DatabaseBusyMiddleware:
    """A 503 with Retry-After, not a 500, when the database cannot be had:
    no connection came free in the pool's time (psycopg's pool raises an
    OperationalError), or the server refuses one more. A stored API answer
    is still served before this (StoredAPIResponseMiddleware needs no
    database)."""

    RETRY_AFTER = 5

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError):
            return None
        logger.warning(
            "database busy: %s %s: %s", request.method, request.path, exception
        )
        message = "The site is busy. Try again in a few seconds."
        if request.path.startswith(API_PREFIX):
            response = JsonResponse({"message": message}, status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain")
        response["Retry-After"] = str(self.RETRY_AFTER)
        response["Cache-Control"] = "no-store"
        return response
