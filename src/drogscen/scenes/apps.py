from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from drogscen.core.registry import register_demo_step, register_import_kind


class ScenesConfig(AppConfig):
    name = "drogscen.scenes"
    label = "scenes"
    verbose_name = _("Scene registry")

    def ready(self) -> None:
        # ready(): the models are loaded only now, so the modules using them are imported here
        from drogscen.scenes import access  # noqa: F401 - registers the access rules

        register_demo_step("scenes", "drogscen.scenes.demo.demo_scenes_ensure", order=20)
        register_import_kind("scenes", "drogscen.scenes.importing.ScenesImport")
