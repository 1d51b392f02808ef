from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from drogscen.core.demo import DEMO_PASSWORD
from drogscen.core.registry import demo_steps, run_steps


class Command(BaseCommand):
    help = "Migrate and load the demo county (idempotent)."

    def handle(self, *args, **options):
        verbosity = options.get("verbosity", 1)
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        call_command("createcachetable", verbosity=0)
        call_command("load_reference_data", verbosity=verbosity)
        # users, scenes, mappings, interventions, outcomes, evaluations: registered by
        # the apps in their AppConfig.ready() (core.registry)
        results = run_steps(demo_steps())
        scenes, mappings = results.get("scenes", 0), results.get("mappings", 0)
        if scenes or mappings:
            self.stdout.write(
                _("Created %(scenes)s demo scenes and %(mappings)s demo mappings.")
                % {"scenes": scenes, "mappings": mappings}
            )
        self.stdout.write(
            _("Demo county ready. Demo users (password %(password)s):")
            % {"password": DEMO_PASSWORD}
        )
        for username, code, role, purpose in results.get("users", []):
            self.stdout.write(f"  {username:<24} {code:<22} {role:<9} {purpose}")
