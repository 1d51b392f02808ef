"""The `drogscen` console script: a thin wrapper of Django's management commands."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drogscen.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["drogscen", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
