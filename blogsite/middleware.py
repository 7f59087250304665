"""The site's own middleware: the client's address behind trusted proxies,
and the Content-Security-Policy."""

import ipaddress

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.urls import reverse


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
