"""`drogscen publish_year YEAR [--reason TEXT] [--as USERNAME]`
(docs/contracts.md#commands): publish a reference year as its next edition, as the
coordination office does on the round's page (`reports/editions.py::round_publish`).

Exit status 0 with the edition's number and SHA-256 on standard output; 2 with the
reason when the year is refused (no approved mappings, published already, a new
edition without a reason), the user is unknown or may not publish."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.http import Http404
from django.utils.translation import gettext as _

from drogscen.audit.context import acting
from drogscen.core.commands import ExitTwoOnBadArguments
from drogscen.core.imports import command_user
from drogscen.mappings.rounds import round_completeness
from drogscen.reports.editions import round_publish


class Command(ExitTwoOnBadArguments):
    help = "Publish a reference year: store its county report as the year's next edition."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="reference year")
        parser.add_argument(
            "--reason", default="", help="why the year is published again (a new edition)"
        )
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="publish as this user (of the coordination office); default the operator",
        )

    def handle(self, *args, year, reason="", as_user=None, **options):
        user = command_user(as_user)
        if user is not None:
            self._warn_incomplete(year, user)
        with acting(user, via="command"):
            try:
                edition = round_publish(year=year, by=user, reason=reason)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages), returncode=2) from exc
            except Http404 as exc:
                raise CommandError(
                    _("%(user)s may not publish: only the coordination office does.")
                    % {"user": user.get_username()},
                    returncode=2,
                ) from exc
        self.stdout.write(
            _("Published %(year)s as edition %(number)s (SHA-256 %(sha256)s).")
            % {"year": year, "number": edition.number, "sha256": edition.sha256}
        )

    def _warn_incomplete(self, year: int, user) -> None:
        completeness = round_completeness(year=year, fetched_by=user)
        if not completeness.complete:
            self.stderr.write(
                _("Note: %(n)s of %(expected)s scenes have no approved mapping for %(year)s.")
                % {"n": completeness.outstanding, "expected": completeness.expected, "year": year}
            )
