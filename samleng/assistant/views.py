"""The assistant's chat page: a form that works without JavaScript. The conversation is not stored anywhere: the
last few turns travel in hidden fields of the page itself and come back with the next question."""

from dataclasses import dataclass

from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from samleng.assistant.answer import Answer, ask, faq_answer, service_answer
from samleng.assistant.api import MAX_QUESTION

#: How many earlier turns the page carries (each a question and its answer's text).
TURNS_KEPT = 4
#: An earlier answer carried in the page is cut to this many characters (it is only shown again).
CARRIED_ANSWER = 2000


@dataclass(frozen=True)
class Turn:
    question: str
    answer: str


def _suggested() -> list[str]:
    return [_("What is the budget of Klaeng commune in 2024?"), _("Which projects does Klaeng commune have?"),
            _("What documents do I need for a birth certificate?"), _("What is the Commune/Sangkat Fund?"),
            _("How do I ask an office for information?")]


def _earlier_turns(request) -> list[Turn]:
    questions = request.POST.getlist("turn_q")[-TURNS_KEPT:]
    answers = request.POST.getlist("turn_a")[-TURNS_KEPT:]
    return [Turn(q[:MAX_QUESTION], a[:CARRIED_ANSWER]) for q, a in zip(questions, answers, strict=False)]


@require_http_methods(["GET", "POST"])
def chat(request):
    lang = "en" if (get_language() or "km").startswith("en") else "km"
    turns: list[Turn] = []
    question, answer, error = "", None, ""
    if request.method == "POST":
        turns = _earlier_turns(request)
        question = request.POST.get("q", "").strip()
        if len(question) > MAX_QUESTION:
            error = _("A question has at most %(count)s characters: please make it shorter.") % {
                "count": MAX_QUESTION}
            question = question[:MAX_QUESTION]
        else:
            answer = ask(question, lang)
    else:
        answer = _record_answer(request, lang)
    carried = turns + ([Turn(question, answer.answer)] if answer and question else [])
    return render(request, "assistant/chat.html", {
        "turns": turns, "question": question, "answer": answer, "error": error,
        "carried": carried[-TURNS_KEPT:], "suggested": _suggested(), "max_question": MAX_QUESTION,
    })


def _record_answer(request, lang: str) -> Answer | None:
    """A FAQ entry or a service named in the address (the `url` of an answer's source)."""
    if request.GET.get("faq"):
        return faq_answer(request.GET["faq"], lang)
    if request.GET.get("service"):
        return service_answer(request.GET["service"], lang)
    return None
