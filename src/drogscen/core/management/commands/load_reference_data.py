from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from drogscen.accounts.services import organisations_sync
from drogscen.audit.context import acting
from drogscen.geo.loaders import ReferenceDataError, reference_data_load
from drogscen.interventions.services import methods_seed_ensure
from drogscen.outcomes.defaults import outcome_defaults_ensure
from drogscen.questionnaires.services import questionnaire_builtin_ensure


class Command(BaseCommand):
    help = (
        "Load the shipped reference geography, create the organisations and the first "
        "questionnaire version (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="overwrite records edited since with the shipped values",
        )

    def handle(self, *args, refresh=False, **options):
        with acting(None, via="command"):
            try:
                summary = reference_data_load(refresh=refresh)
            except ReferenceDataError as exc:
                raise CommandError(str(exc), returncode=2) from exc
            organisations = organisations_sync()
            questionnaire_builtin_ensure()
            methods_seed_ensure()
            outcome_defaults_ensure(refresh=refresh)
        if summary.changed or organisations:
            self.stdout.write(
                _(
                    "Reference data loaded: created %(created)s, updated %(updated)s, "
                    "%(organisations)s new organisations."
                )
                % {
                    "created": summary.created,
                    "updated": summary.updated,
                    "organisations": organisations,
                }
            )
        else:
            self.stdout.write(_("Reference data already up to date."))
