from wagtail.api.v2.router import WagtailAPIRouter

from health_articles.api.views import (
    CheckedDocumentsAPIViewSet,
    CheckedImagesAPIViewSet,
    HealthArticlePagesAPIViewSet,
    PagePreviewAPIViewSet,
    TagsAPIViewSet,
)

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", HealthArticlePagesAPIViewSet)
api_router.register_endpoint("images", CheckedImagesAPIViewSet)
api_router.register_endpoint("documents", CheckedDocumentsAPIViewSet)
api_router.register_endpoint("tags", TagsAPIViewSet)
api_router.register_endpoint("page_preview", PagePreviewAPIViewSet)
