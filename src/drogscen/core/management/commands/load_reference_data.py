from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from drogscen.core.registry import reference_steps, run_steps


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
        # geography, organisations, questionnaire, methods, outcome defaults: registered
        # by the apps in their AppConfig.ready() (core.registry); a failing geography
        # load raises CommandError (exit status 2)
        results = run_steps(reference_steps(), refresh=refresh)
        summary = results["geography"]
        organisations = results.get("organisations", 0)
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
