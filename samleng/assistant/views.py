"""The assistant's chat page: a form that works without JavaScript. The conversation is not stored anywhere: the
last few turns travel in hidden fields of the page itself and come back with the next question."""

from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from samleng.assistant import services
from samleng.assistant.answer import Answer, ask, faq_answer, service_answer
from samleng.assistant.api import MAX_QUESTION
from samleng.assistant.forms import FaqFromQuestionForm
from samleng.assistant.models import FaqEntry, Service, UnansweredQuestion

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
            if answer.unanswered:
                services.unanswered_record(text=question)
    else:
        answer = _record_answer(request, lang)
    carried = turns + ([Turn(question, answer.answer)] if answer and question else [])
    return render(request, "assistant/chat.html", {
        "turns": turns, "question": question, "answer": answer, "error": error,
        "carried": carried[-TURNS_KEPT:], "suggested": _suggested(), "max_question": MAX_QUESTION,
        # Those who see everything find the page in the menu; staff given the permission here (the menu would ask
        # for every staff member's permissions on every page: two queries).
        "writes_faq": request.user.is_authenticated and not request.user.sees_everything and writes_faq(request.user),
        # The assistant also answers on a Facebook Page's Messenger when it is set up (notifications/messenger.py).
        "messenger": bool(settings.MESSENGER_PAGE_TOKEN and settings.MESSENGER_APP_SECRET
                          and settings.MESSENGER_VERIFY_TOKEN),
    })


def _record_answer(request, lang: str) -> Answer | None:
    """A FAQ entry or a service named in the address (the `url` of an answer's source)."""
    if request.GET.get("faq"):
        return faq_answer(request.GET["faq"], lang)
    if request.GET.get("service"):
        return service_answer(request.GET["service"], lang)
    return None


# ---- the public list of services and FAQ entries -------------------------------------------------------------

#: Services and FAQ entries on one page of the list (2,000 entries at national scale: the page stays small).
LISTED = 60


@require_GET
def knowledge(request):
    """/assistant/services/: every public service (fee, office, days) and every FAQ question, each linked to its
    answer, in the reader's language; a topic chosen (`?topic=`) lists its questions only."""
    lang = "en" if (get_language() or "km").startswith("en") else "km"
    topics = dict(FaqEntry.Topic.choices)
    topic = request.GET.get("topic", "")
    entries = FaqEntry.objects.only("faq_id", "topic", "question_en", "question_km").order_by("topic", "faq_id")
    if topic in topics:
        entries = entries.filter(topic=topic)
    faq_page = Paginator(entries, LISTED).get_page(request.GET.get("page"))
    services = Service.objects.only("service_id", "name_en", "name_km", "sector", "office_level", "fee_khr", "days")
    service_page = Paginator(services.order_by("sector", "service_id"), LISTED).get_page(request.GET.get("spage"))
    return render(request, "assistant/knowledge.html", {
        "lang": lang, "faq_page": faq_page, "service_page": service_page, "topics": FaqEntry.Topic.choices,
        "topic": topic if topic in topics else "",
    })


# ---- the staff page of questions the assistant could not answer -------------------------------------------------


def writes_faq(user) -> bool:
    """Administrators and M&E officers, and staff given the permission (communication officers: a group in the
    admin) read the unanswered questions and add FAQ entries from them."""
    return bool(user.is_authenticated and user.is_active and (
        user.sees_everything or (user.is_staff_role and user.has_perm("assistant.answer_unanswered"))))


def faq_writers(view):
    """Logged in (else to the login page) and writes_faq (else 403, before any record is looked up)."""
    @login_required
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not writes_faq(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return checked


@faq_writers
@require_GET
def unanswered(request):
    """/assistant/unanswered/: the questions asked most often first, each with a form that makes it a FAQ entry."""
    page = Paginator(UnansweredQuestion.objects.all(), 30).get_page(request.GET.get("page"))
    rows = [(question, FaqFromQuestionForm(question=question, prefix=f"q{question.pk}")) for question in page]
    return render(request, "assistant/unanswered.html", {"page": page, "rows": _with_similar(rows)})


def _with_similar(rows: list[tuple]) -> list[tuple]:
    """Each row with how many other kept questions are similar to its question, and how often they were asked."""
    similar = services.unanswered_similar([question for question, _form in rows])
    return [(question, form, similar[question.pk]) for question, form in rows]


@faq_writers
@require_POST
def unanswered_answer(request, pk: int):
    """Add the FAQ entry written in a row of the list (or dismiss the question); back to the list."""
    question = get_object_or_404(UnansweredQuestion, pk=pk)
    if request.POST.get("action") == "dismiss":
        services.unanswered_dismiss(user=request.user, unanswered=question)
        messages.success(request, _("The question was taken off the list."))
        return redirect("assistant:unanswered")
    form = FaqFromQuestionForm(request.POST, question=question, prefix=f"q{question.pk}")
    if form.is_valid():
        try:
            entry = services.faq_create_from_unanswered(user=request.user, unanswered=question, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("FAQ entry %(id)s added: the assistant answers it from now on.") % {
                "id": entry.faq_id})
            return redirect("assistant:unanswered")
    page = Paginator(UnansweredQuestion.objects.all(), 30).get_page(1)
    rows = [(q, form if q.pk == question.pk else FaqFromQuestionForm(question=q, prefix=f"q{q.pk}")) for q in page]
    if question not in page.object_list:
        rows.insert(0, (question, form))
    return render(request, "assistant/unanswered.html", {"page": page, "rows": _with_similar(rows)}, status=400)
