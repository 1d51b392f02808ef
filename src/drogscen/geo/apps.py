from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "drogscen.geo"
    label = "geo"
    verbose_name = _("Reference geography")

    def ready(self) -> None:
        from drogscen.geo import (
            access,  # noqa: F401 - registers the access rules
            lookups,
        )

        lookups.connect_cache_invalidation()
