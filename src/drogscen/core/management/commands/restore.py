from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from drogscen.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `drogscen backup` into the database of DATABASE_URL, "
        "which must be empty unless --force. Exit 2 when refused; run verify_audit after."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a file written by drogscen backup")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace everything in a database that is not empty",
        )

    def handle(self, *args, path, force=False, **options):
        try:
            info = backup_restore(path=path, force=force)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            _("%(path)s restored into the %(vendor)s database. Check it with verify_audit.")
            % {"path": info.path, "vendor": info.vendor}
        )
