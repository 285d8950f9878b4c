"""The JSON API of results (django-ninja), on the same selectors as the command and the pages. Staff only.
A GET reads, never writes: it gives the figures as last computed from the records (after every import, by
"Compute again" on the programme page, by `samleng results`, and when a report is issued)."""

from ninja import Router, Schema

from samleng.core.api import ApiError, Page, page, page_bounds
from samleng.core.khmer import to_khmer_digits
from samleng.results.selectors import programme_get, programme_json, results_json

router = Router(tags=["results"])
#: A programme has a few dozen indicators at most: one page holds them all unless a smaller one is asked for.
MAX_LIMIT = 100


class ValueOut(Schema):
    code: str
    period: int
    #: a share in percent (0-100) or a count; null when there is no data (an empty denominator)
    value: int | float | None
    numerator: int | None
    denominator: int | None
    breakdown: dict[str, int]
    #: the figure a past report stated, or null
    reported_value: int | float | None
    #: true when the reported figure differs from the computed one, rounded to the reported precision
    differs: bool


class IndicatorOut(Schema):
    code: str
    outcome: str
    statement_en: str
    statement_km: str
    unit: str
    direction: str
    baseline: int | float | None
    baseline_year: int | None
    target: int | float | None
    target_year: int | None
    computation: str
    values: list[ValueOut]


class ValuePage(Page[ValueOut]):
    pass


class IndicatorPage(Page[IndicatorOut]):
    pass


def _staff_programme(request, code: str):
    """The programme, for staff: 401 for the anonymous, 403 for representatives and authorities."""
    user = request.user
    if not (user and user.is_authenticated and user.is_active):
        raise ApiError(401, "Log in as staff to read indicators.", "សូមចូលជាបុគ្គលិក ដើម្បីអានសូចនាករ។")
    if not user.is_staff_role:
        raise ApiError(403, "Indicators are for the NGO's staff.", "សូចនាករគឺសម្រាប់បុគ្គលិករបស់អង្គការ។")
    programme = programme_get(code)
    if programme is None:
        raise ApiError(404, f"No programme has the code {code!r}.", f"គ្មានកម្មវិធីណាមានលេខកូដ {code!r} ទេ។")
    return programme


@router.get("/{code}/{period}", response=ValuePage, summary="A programme's indicators for one year")
def results_period(request, code: str, period: int, limit: int = MAX_LIMIT, offset: int = 0):
    """Every indicator of the programme for `period`, as last computed: the same list as `samleng results CODE
    --period YEAR --json`, a page of at most `limit` (up to 100) from `offset`. 404 for a year outside the
    programme's."""
    limit, offset = page_bounds(limit, offset, max_limit=MAX_LIMIT)
    programme = _staff_programme(request, code)
    if period not in programme.years:
        raise ApiError(404, f"The programme {code} runs from {programme.start.year} to {programme.end.year}.",
                       f"កម្មវិធី {code} ដំណើរការពីឆ្នាំ {to_khmer_digits(programme.start.year)} ដល់ឆ្នាំ "
                       f"{to_khmer_digits(programme.end.year)}។")
    return page(request, results_json(programme, period), limit=limit, offset=offset)


@router.get("/{code}", response=IndicatorPage, summary="A programme's indicators over its years")
def results_programme(request, code: str, limit: int = MAX_LIMIT, offset: int = 0):
    """Every indicator of the programme with its values in each of its years, as last computed; a page of at
    most `limit` (up to 100) from `offset`."""
    limit, offset = page_bounds(limit, offset, max_limit=MAX_LIMIT)
    programme = _staff_programme(request, code)
    return page(request, programme_json(programme), limit=limit, offset=offset)
