import re

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from drogscen.audit.verification import audit_chain_verify

HASH = re.compile(r"[0-9a-f]{64}")


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's hash chain; exit 1 naming the first broken entry. "
        "Keep the printed last hash outside the database and pass it with --expect later."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--expect",
            metavar="HASH",
            help=(
                "the hash of an entry recorded earlier (printed by a previous run): it must "
                "still be in the chain, so entries removed from the end are found even when "
                "the chain head was rewritten"
            ),
        )

    def handle(self, *args, expect=None, **options):
        if expect is not None:
            expect = expect.strip().lower()
            if not HASH.fullmatch(expect):
                raise CommandError(
                    _("--expect takes a hash of 64 hexadecimal characters."), returncode=2
                )
        report = audit_chain_verify(expect=expect)
        if not report.intact:
            raise CommandError(
                _("Audit chain broken at entry #%(sequence)s: %(reason)s.")
                % {"sequence": report.broken_sequence, "reason": report.reason},
                returncode=1,
            )
        self.stdout.write(_("Audit chain intact: %(count)s entries.") % {"count": report.entries})
        if report.entries:
            self.stdout.write(
                _("Last entry #%(sequence)s, hash %(hash)s (keep it outside the database).")
                % {"sequence": report.entries, "hash": report.last_hash}
            )
        if report.anchor_sequence is not None:
            self.stdout.write(
                _("The recorded hash is entry #%(sequence)s of the chain.")
                % {"sequence": report.anchor_sequence}
            )
