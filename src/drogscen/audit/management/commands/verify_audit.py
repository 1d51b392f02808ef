from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from drogscen.audit.verification import audit_chain_verify


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chain; exit 1 naming the first broken entry."

    def handle(self, *args, **options):
        report = audit_chain_verify()
        if not report.intact:
            raise CommandError(
                _("Audit chain broken at entry #%(sequence)s: %(reason)s.")
                % {"sequence": report.broken_sequence, "reason": report.reason},
                returncode=1,
            )
        self.stdout.write(_("Audit chain intact: %(count)s entries.") % {"count": report.entries})
