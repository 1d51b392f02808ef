from django.core.management.base import BaseCommand, CommandError

from drogscen.accounts.services import AccountError, token_create


class Command(BaseCommand):
    help = "Create an API token for a user (replacing an earlier one) and print it."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            self.stdout.write(token_create(username=username))
        except AccountError as exc:
            raise CommandError(str(exc), returncode=2) from exc
