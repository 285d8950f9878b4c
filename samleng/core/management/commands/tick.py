"""samleng tick: the periodic work that is due (core.tick). Cron runs it every few minutes (README)."""

from django.core.management.base import BaseCommand, CommandError

from samleng.core import tick


class Command(BaseCommand):
    help = ("Run the periodic jobs that are due (each once per interval, however many machines run tick): "
            "pruning the audit log once a day. Install it in cron to run every few minutes.")

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="list the jobs and their intervals, run nothing")

    def handle(self, *args, list=False, **options):
        if list:
            for job in tick.jobs():
                self.stdout.write(f"{job.name}: every {job.every}")
            return
        failed = []
        for name, said, ok in tick.tick():
            self.stdout.write(f"{name}: {said}")
            if not ok:
                failed.append(name)
        if failed:
            raise CommandError(f"failed: {', '.join(failed)}")
