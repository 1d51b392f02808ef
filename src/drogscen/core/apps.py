from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_cache_table(sender, using, **kwargs) -> None:
    # The cache lives in the database (no other server); `migrate` makes its table too,
    # so `load_reference_data` and the app work straight after a migration.
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "drogscen.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        post_migrate.connect(_create_cache_table, sender=self, dispatch_uid="core-cache-table")

        from django.contrib.auth.signals import user_logged_in

        from drogscen.core.middleware import session_seen_at_sign_in  # ready(): apps loaded

        user_logged_in.connect(session_seen_at_sign_in, dispatch_uid="core-session-seen")

        from drogscen.core.imports import access  # noqa: F401 - registers the uploads' rule
