"""`samleng assistant_eval [FILE]`: asks the assistant every question of a question set and prints the accuracy by
kind and language (the shipped set, samleng/assistant/eval/questions.json, by default)."""

from django.core.management.base import BaseCommand, CommandError

from samleng.assistant import evaluate


class Command(BaseCommand):
    help = ("Ask the assistant a question set (a JSON list of {q, lang, kind, figures, sources}) and print its "
            "accuracy by kind and language; --wrong lists the questions answered wrongly.")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(evaluate.SHIPPED), help="the question set (JSON)")
        parser.add_argument("--wrong", action="store_true", help="list the questions answered wrongly")

    def handle(self, *args, file: str, wrong: bool, **options):
        try:
            questions = evaluate.load(file)
        except (OSError, ValueError) as error:
            raise CommandError(f"{file}: {error}") from error
        results = evaluate.run(questions)
        table = evaluate.accuracy(results)
        kinds = sorted({k for k, _ in table if k != "all"}) + ["all"]
        self.stdout.write(f"{'kind':10} {'km':>14} {'en':>14} {'all':>14}")
        for kind in kinds:
            cells = []
            for lang in ("km", "en", "all"):
                right, asked = table.get((kind, lang), (0, 0))
                cells.append(f"{right}/{asked} {100 * right / asked:5.1f}%" if asked else "-")
            self.stdout.write(f"{kind:10} {cells[0]:>14} {cells[1]:>14} {cells[2]:>14}")
        if wrong:
            for result in results:
                if not result.right:
                    got = [s["id"] for s in result.answer.sources][:3]
                    self.stdout.write(f"WRONG [{result.question['kind']}/{result.question.get('lang')}] "
                                      f"{result.question['q'][:80]!r} -> {result.answer.kind} {got} "
                                      f"{result.answer.figures[:3]}")
