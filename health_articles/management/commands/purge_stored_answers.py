from django.core.management.base import BaseCommand

from health_articles.caching import EVERYTHING, changed


class Command(BaseCommand):
    help = (
        "Make every stored API answer stale, as publishing does. Run it after "
        "a change that sends no signal: QuerySet.update(), raw SQL, a restore "
        "of the database."
    )

    def handle(self, *args, **options):
        changed(EVERYTHING)
        self.stdout.write("Stored API answers are stale; the next request rebuilds.")
