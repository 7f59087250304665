"""Reader-facing URLs: tag pages, feeds and robots.txt. Include them before
Wagtail's."""

from django.urls import path

from . import feeds, views

app_name = "health_articles"

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("feed/", feeds.ArticlesFeed(), name="feed"),
    path("tags/", views.tag_index, name="tags"),
    path("tags/<str:slug>/", views.tag_detail, name="tag"),
    path("tags/<str:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
]
