from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from drogscen.core.registry import register_demo_step, register_reference_step


def _organisations_sync(*, refresh: bool = False) -> int:
    # apps.py is imported before the models are loaded: import the service when the step runs
    from drogscen.accounts.services import organisations_sync

    return organisations_sync()


class AccountsConfig(AppConfig):
    name = "drogscen.accounts"
    label = "accounts"
    verbose_name = _("Organisations and users")

    def ready(self) -> None:
        # ready(): the models are loaded only now, so the modules using them are imported here
        from drogscen.accounts import access  # noqa: F401 - registers the access rules

        register_reference_step("organisations", _organisations_sync, order=20)
        register_demo_step("users", "drogscen.accounts.demo.demo_users_ensure", order=10)
