from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from drogscen.core.registry import register_demo_step, register_import_kind


class MappingsConfig(AppConfig):
    name = "drogscen.mappings"
    label = "mappings"
    verbose_name = _("Mappings")

    def ready(self) -> None:
        # ready(): the models are loaded only now, so the modules using them are imported here
        from drogscen.mappings import access  # noqa: F401 - registers the access rules

        register_demo_step("mappings", "drogscen.mappings.demo.demo_mappings_ensure", order=30)
        register_import_kind("mappings", "drogscen.mappings.importing.MappingsImport")
