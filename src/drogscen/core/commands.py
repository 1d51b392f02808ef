"""A base for management commands whose bad arguments exit 2 however they are called."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class ExitTwoOnBadArguments(BaseCommand):
    """From the shell argparse already exits 2 on a bad argument; called from code
    (call_command) Django raises a CommandError with status 1. Make it 2 there too."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if not parser.called_from_command_line:

            def error(message):
                raise CommandError(_("Error: %(message)s") % {"message": message}, returncode=2)

            parser.error = error
        return parser
