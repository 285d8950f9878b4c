"""The assistant in the JSON API: `GET /api/assistant?q=&lang=km|en`. Public and rate limited like the rest of
the API (accounts.limits, by address); the question is answered and forgotten, never stored."""

from ninja import Router, Schema

from samleng.assistant.answer import ask
from samleng.assistant.services import unanswered_record
from samleng.core.api import ApiError, ErrorOut

router = Router(tags=["assistant"])
#: The longest question answered; a longer one is refused (400).
MAX_QUESTION = 500


class SourceOut(Schema):
    #: budget, project, service, faq, glossary, request, procurement, concession or comments
    kind: str
    #: The record's own key: a budget `UNIT/YEAR` (060603/2024), a project_id, service_id, faq_id, term_id,
    #: request_id, a procurement project's project_id or a buyer's `BUYER/YEAR` (MEF/2024), a concession's elc_id, a
    #: facility's facility_id (comments).
    id: str
    url: str


class SuggestionOut(SourceOut):
    #: The FAQ entry's question, in the language asked.
    question: str


class AnswerOut(Schema):
    answer: str
    #: The kind of the first source, or "none" when the assistant cannot answer (no sources and no figures then;
    #: the closest FAQ entries are in `suggestions`).
    kind: str
    sources: list[SourceOut]
    #: The numbers the answer states: money in riel, never years.
    figures: list[int]
    suggestions: list[SuggestionOut]


@router.get("", response={200: AnswerOut, 400: ErrorOut}, summary="Ask the assistant a question")
def assistant(request, q: str = "", lang: str = "km"):
    """Answers a question about budgets, public services, procurement, land concessions, what people say about a
    public service point, the FAQ and the glossary, in Khmer (`lang=km`, the
    default) or English (`lang=en`), from Samleng's own records, with the source of every figure."""
    if len(q) > MAX_QUESTION:
        raise ApiError(400, f"A question has at most {MAX_QUESTION} characters.",
                       f"សំណួរមួយមានយ៉ាងច្រើន {MAX_QUESTION} តួអក្សរ។")
    if lang not in ("km", "en"):
        raise ApiError(400, "lang is km or en.", "lang ត្រូវតែជា km ឬ en។")
    answer = ask(q, lang)
    if answer.unanswered:  # for the staff who write the FAQ: scrubbed of personal details, counted
        unanswered_record(text=q)
    return answer.as_dict()
