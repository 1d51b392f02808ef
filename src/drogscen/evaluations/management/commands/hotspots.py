import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from drogscen.audit.context import acting
from drogscen.evaluations import early_warning
from drogscen.evaluations.models import Candidate


class Command(BaseCommand):
    help = (
        "Find the emerging places (candidate scenes) of a year or the last 12 months and "
        "export them as GeoJSON (RFC 7946, WGS84)."
    )

    def add_arguments(self, parser):
        period = parser.add_mutually_exclusive_group(required=True)
        period.add_argument("--year", type=int)
        period.add_argument("--last-12-months", action="store_true")
        parser.add_argument("--cell", type=int, default=250, help="cell size in metres")
        parser.add_argument("--out", required=True, help="GeoJSON file to write, - for stdout")

    def handle(self, *args, **options):
        start, end = early_warning.period_of(
            year=options["year"],
            rolling_end=None if options["year"] else timezone.localdate(),
        )
        out = options["out"]
        if out != "-" and not Path(out).parent.is_dir():
            self.stderr.write(_("%(path)s: the folder does not exist.") % {"path": out})
            sys.exit(2)
        try:
            with acting(None, via="command"):
                early_warning.candidates_compute(
                    period_start=start, period_end=end, cell_m=options["cell"]
                )
        except ValidationError as error:
            for problem in error.messages:
                self.stderr.write(problem)
            sys.exit(2)

        candidates = Candidate.objects.filter(
            period_start=start, period_end=end, cell_m=options["cell"]
        ).select_related("municipality", "local_police_area")
        text = json.dumps(
            early_warning.candidates_geojson(candidates), ensure_ascii=False, indent=1
        )
        if out == "-":
            self.stdout.write(text)
        else:
            Path(out).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(
                _("%(n)s candidate places written to %(path)s.")
                % {"n": len(candidates), "path": out}
            )
