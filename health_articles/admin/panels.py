from wagtail.admin.panels import Panel


class ReferenceToolsPanel(Panel):
    """Links to import (paste or file) and export the article's references."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "health_articles/admin/reference_tools_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["page"] = self.instance
            return context
