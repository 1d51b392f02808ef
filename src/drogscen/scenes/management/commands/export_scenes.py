from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from drogscen.audit.context import acting
from drogscen.core.imports import command_user
from drogscen.scenes.exporting import EXPORT_FORMATS, scenes_export


class Command(BaseCommand):
    help = (
        "Export the scenes with their derived attributes as GeoJSON or GeoPackage "
        "(--out - writes GeoJSON to standard output)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=EXPORT_FORMATS)
        parser.add_argument("--out", required=True, metavar="PATH", help="file, or - for stdout")
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="export only the scenes this user may see",
        )

    def handle(self, *args, format, out, as_user=None, **options):
        user = command_user(as_user)
        to_stdout = out == "-"
        if to_stdout and format != "geojson":
            raise CommandError(
                _("A GeoPackage cannot be written to standard output; give a file with --out."),
                returncode=2,
            )
        with acting(user, via="command"):
            try:
                count = scenes_export(
                    path_or_stream=self.stdout if to_stdout else out,
                    format=format,
                    fetched_by=user,
                )
            except OSError as exc:
                raise CommandError(
                    _("%(path)s cannot be written: %(error)s")
                    % {"path": out, "error": exc.strerror or exc},
                    returncode=2,
                ) from exc
        summary = ngettext(
            "Exported %(count)s scene to %(path)s.", "Exported %(count)s scenes to %(path)s.", count
        ) % {
            "count": count,
            "path": _("standard output") if to_stdout else out,
        }
        # With --out -, stdout carries the GeoJSON alone.
        (self.stderr if to_stdout else self.stdout).write(summary)
