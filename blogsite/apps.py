from django.apps import AppConfig


class BlogsiteConfig(AppConfig):
    name = "blogsite"
    label = "blogsite"
    verbose_name = "Blog site"
    default_auto_field = "django.db.models.BigAutoField"
