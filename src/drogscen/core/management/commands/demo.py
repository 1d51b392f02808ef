from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from drogscen.audit.context import acting
from drogscen.core.demo import DEMO_PASSWORD, demo_users_ensure
from drogscen.interventions.demo import demo_interventions_ensure
from drogscen.mappings.demo import demo_mappings_ensure
from drogscen.outcomes.demo import demo_outcomes_ensure
from drogscen.scenes.demo import demo_scenes_ensure


class Command(BaseCommand):
    help = "Migrate and load the demo county (idempotent)."

    def handle(self, *args, **options):
        verbosity = options.get("verbosity", 1)
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        call_command("createcachetable", verbosity=0)
        call_command("load_reference_data", verbosity=verbosity)
        with acting(None, via="command"):
            users = demo_users_ensure()
            scenes = demo_scenes_ensure()
            mappings = demo_mappings_ensure()
            demo_interventions_ensure()
            demo_outcomes_ensure()
            from drogscen.evaluations.demo import demo_evaluations_ensure

            demo_evaluations_ensure()  # does nothing until there are indicators
        if scenes or mappings:
            self.stdout.write(
                _("Created %(scenes)s demo scenes and %(mappings)s demo mappings.")
                % {"scenes": scenes, "mappings": mappings}
            )
        self.stdout.write(
            _("Demo county ready. Demo users (password %(password)s):")
            % {"password": DEMO_PASSWORD}
        )
        for username, code, role, purpose in users:
            self.stdout.write(f"  {username:<24} {code:<22} {role:<9} {purpose}")
