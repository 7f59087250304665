"""The site's URLs plus stock Wagtail v2 (the baseline) and a ceiling view."""

from django.http import HttpResponse
from django.urls import path
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from blogsite.urls import urlpatterns as site_urlpatterns

stock_router = WagtailAPIRouter("stockapi")
stock_router.register_endpoint("pages", PagesAPIViewSet)

# Bytes the ceiling view answers with, filled by the benchmark before it runs.
CEILING = {}


def ceiling(request, name):
    return HttpResponse(CEILING[name], content_type="application/json")


urlpatterns = [
    path("stock/v2/", stock_router.urls),
    path("ceiling/<str:name>/", ceiling),
    # Not included: the site's URLs hold i18n_patterns, top level only.
    *site_urlpatterns,
]
