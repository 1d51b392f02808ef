from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScenesConfig(AppConfig):
    name = "drogscen.scenes"
    label = "scenes"
    verbose_name = _("Scene registry")

    def ready(self) -> None:
        from drogscen.scenes import access  # noqa: F401 - registers the access rules
