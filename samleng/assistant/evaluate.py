"""Scoring the assistant against a question set: a JSON list of {"q", "lang", "kind", "figures", "sources"}
(issue 12's rules). A question is right when its answer's kind is the expected one, every expected figure is among
the answer's figures (within 1 riel), every expected source id is among its sources (for kind faq: the first FAQ
source), and, for kind none, when it declines stating no figure."""

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from samleng.assistant.answer import Answer, ask

#: The question set shipped with the assistant, written from the demo data (scripts/assistant_questions.py).
SHIPPED = Path(__file__).resolve().parent / "eval" / "questions.json"


@dataclass(frozen=True)
class Result:
    question: dict
    answer: Answer
    right: bool


def is_right(expected: dict, answer: Answer) -> bool:
    if expected["kind"] == "none":
        return answer.kind == "none" and not answer.figures
    if answer.kind != expected["kind"]:
        return False
    if not all(any(abs(f - g) <= 1 for g in answer.figures) for f in expected.get("figures", [])):
        return False
    if expected["kind"] == "faq":
        first = next((s["id"] for s in answer.sources if s["kind"] == "faq"), None)
        return all(i == first for i in expected.get("sources", []))
    ids = {s["id"] for s in answer.sources}
    return all(i in ids for i in expected.get("sources", []))


def load(path: Path) -> list[dict]:
    questions = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(questions, list) or not all(isinstance(q, dict) and "q" in q and "kind" in q
                                                  for q in questions):
        raise ValueError("a question set is a JSON list of objects with at least q and kind")
    return questions


def run(questions: list[dict]) -> list[Result]:
    results = []
    for question in questions:
        answer = ask(question["q"], question.get("lang", "km"))
        results.append(Result(question, answer, is_right(question, answer)))
    return results


def accuracy(results: list[Result]) -> dict[tuple[str, str], tuple[int, int]]:
    """{(kind, lang): (right, asked)}, with ("all", lang), (kind, "all") and ("all", "all")."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for result in results:
        kind, lang = result.question["kind"], result.question.get("lang", "km")
        for key in ((kind, lang), (kind, "all"), ("all", lang), ("all", "all")):
            counts[key][0] += result.right
            counts[key][1] += 1
    return {key: (right, asked) for key, (right, asked) in counts.items()}
