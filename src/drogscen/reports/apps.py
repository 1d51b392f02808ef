from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "drogscen.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # ready(): the models are loaded only now, so the modules using them are imported here
        from drogscen.core.registry import register_demo_step
        from drogscen.reports import (
            access,  # noqa: F401 - registers the access rules
            checks,  # noqa: F401 - registers the Pango check
        )

        # After every other demo step: the editions hold the figures as they then are.
        register_demo_step("editions", "drogscen.reports.demo.demo_editions_ensure", order=90)
