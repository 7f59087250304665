from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from health_articles import seo
from health_articles.api.openapi import OpenAPIView

from .api import api_router

try:  # Wagtail's API v3, a preview in Wagtail 8, where the installed Wagtail has it
    from wagtail.api.v3.urls import api as api_v3
except ImportError:
    api_v3 = None

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/openapi.json", OpenAPIView.as_view(router=api_router)),
    path("api/v2/", api_router.urls),
    *([path("api/v3/", api_v3.urls)] if api_v3 else []),
    # Every page of the request's site, in each of its languages.
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": seo.Sitemap}}),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Pages, tag pages and feeds: those of the default language (English) at
# their path, the others under their language's prefix (/fr-ca/…), which
# PathLanguageMiddleware activates: Wagtail routes to the site's root page in
# that language, and tag pages and feeds list the articles in it.
urlpatterns += i18n_patterns(
    path("", include("health_articles.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
