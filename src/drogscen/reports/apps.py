from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "drogscen.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from drogscen.reports import checks  # noqa: F401 - registers the Pango check
