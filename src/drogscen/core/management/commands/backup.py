from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from drogscen.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write a backup of the whole database to PATH (SQLite: the online backup API; "
        "PostgreSQL: pg_dump's custom format). Exit 2 when it cannot be made."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file to write (replaced when complete)")

    def handle(self, *args, path, **options):
        try:
            info = backup_create(path=path)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            _("Backup of the %(vendor)s database written to %(path)s (%(size)s bytes).")
            % {"vendor": info.vendor, "path": info.path, "size": info.size}
        )
