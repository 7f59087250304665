from wagtail.admin.panels import Panel


class ReferenceToolsPanel(Panel):
    """Links to import (paste or file) and export the article's references."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "health_articles/admin/reference_tools_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["page"] = self.instance
            return context


class ReviewHistoryPanel(Panel):
    """The article's medical reviews: decision, reviewer, date, revision and
    comment, newest first (recorded by the workflow's medical review task)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "health_articles/admin/review_history_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            context["reviews"] = (
                page.medical_reviews.select_related("reviewer", "user")
                if page.pk
                else []
            )
            return context
