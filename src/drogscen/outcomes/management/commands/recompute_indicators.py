import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from drogscen.audit.context import acting
from drogscen.outcomes import event_store
from drogscen.outcomes.indicators import recompute_all


class Command(BaseCommand):
    help = (
        "Recompute the indicators of every scene from the stored crime events, after "
        "copying the events again into the columns that counting reads."
    )

    def handle(self, *args, **options):
        verbosity = options.get("verbosity", 1)
        started = time.perf_counter()

        def progress(message: str) -> None:
            if verbosity >= 1:
                self.stdout.write(f"  {message} ({time.perf_counter() - started:.1f} s)")

        with acting(None, via="command"):
            copied = event_store.rebuild()
            progress(_("events copied for counting: %(count)s") % {"count": copied})
            stored = recompute_all(progress=progress)
        self.stdout.write(
            _("Indicators recomputed: %(rows)s rows in %(seconds).1f s.")
            % {"rows": stored, "seconds": time.perf_counter() - started}
        )
