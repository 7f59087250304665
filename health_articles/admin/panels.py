from wagtail.admin.panels import Panel


class ReferenceToolsPanel(Panel):
    """Links to import (paste or file) and export the article's references."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "health_articles/admin/reference_tools_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["page"] = self.instance
            return context


class ReaderNumbersPanel(Panel):
    """The reference list as readers see it numbered (by first citation in
    the body, as saved), each with its key and title: the admin lists the
    references in its own order."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "health_articles/admin/reader_numbers_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            numbers = page.reference_numbers if page.pk else {}
            by_key = {reference.key: reference for reference in page.references.all()}
            context["numbered"] = [
                (number, by_key[key])
                for key, number in sorted(numbers.items(), key=lambda item: item[1])
                if key in by_key
            ]
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
