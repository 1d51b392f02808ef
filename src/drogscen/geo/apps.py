from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from drogscen.core.registry import register_reference_step


def _reference_data_load(*, refresh: bool = False):
    from django.core.management.base import CommandError

    # apps.py is imported before the models are loaded: import the loader when the step runs
    from drogscen.geo.loaders import ReferenceDataError, reference_data_load

    try:
        return reference_data_load(refresh=refresh)
    except ReferenceDataError as exc:
        raise CommandError(str(exc), returncode=2) from exc


class GeoConfig(AppConfig):
    name = "drogscen.geo"
    label = "geo"
    verbose_name = _("Reference geography")

    def ready(self) -> None:
        # ready(): the models are loaded only now, so the modules using them are imported here
        from drogscen.geo import (
            access,  # noqa: F401 - registers the access rules
            lookups,
        )

        lookups.connect_cache_invalidation()

        register_reference_step("geography", _reference_data_load, order=10)
