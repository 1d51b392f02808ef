import getpass
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from drogscen.accounts.services import AccountError, user_create


class Command(BaseCommand):
    help = (
        "Create a user in an organisation with a role; the password is read from stdin "
        "(asked for without echo on a terminal)."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--org", required=True, help="organisation code, e.g. kommun:0180")
        parser.add_argument("--role", required=True, help="viewer, editor or manager")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, org, role, email, **options):
        password = self.read_password(options.get("stdin", sys.stdin))
        if not password:
            raise CommandError(_("No password on standard input."), returncode=2)
        try:
            user_create(
                username=username,
                organisation_code=org,
                role=role,
                password=password,
                email=email,
            )
        except AccountError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(
            _("Created %(username)s (%(org)s, %(role)s).")
            % {"username": username, "org": org, "role": role}
        )

    @staticmethod
    def read_password(stream) -> str:
        """From a terminal: asked twice without echo. Piped (scripts): the first line."""
        if stream.isatty():
            password = getpass.getpass(_("Password: "))
            if password and password != getpass.getpass(_("Password (again): ")):
                raise CommandError(_("The two passwords differ."), returncode=2)
            return password
        return stream.readline().rstrip("\r\n")
