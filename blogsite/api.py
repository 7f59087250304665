from wagtail.api.v2.router import WagtailAPIRouter

from health_articles.api.views import register_endpoints

api_router = WagtailAPIRouter("wagtailapi")
register_endpoints(api_router)
