"""The JSON API of results (django-ninja), on the same selectors as the command and the pages. Staff only.
A GET reads, never writes: it gives the figures as last computed from the records (after every import, by
"Compute again" on the programme page, by `samleng results`, and when a report is issued)."""

from ninja import Router, Schema

from samleng.core.api import ApiError
from samleng.core.khmer import to_khmer_digits
from samleng.results.selectors import programme_get, programme_json, results_json

router = Router(tags=["results"])


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


@router.get("/{code}/{period}", response=list[ValueOut], summary="A programme's indicators for one year")
def results_period(request, code: str, period: int):
    """Every indicator of the programme for `period`, as last computed: the same list as `samleng results CODE
    --period YEAR --json`. 404 for a year outside the programme's."""
    programme = _staff_programme(request, code)
    if period not in programme.years:
        raise ApiError(404, f"The programme {code} runs from {programme.start.year} to {programme.end.year}.",
                       f"កម្មវិធី {code} ដំណើរការពីឆ្នាំ {to_khmer_digits(programme.start.year)} ដល់ឆ្នាំ "
                       f"{to_khmer_digits(programme.end.year)}។")
    return results_json(programme, period)


@router.get("/{code}", response=list[IndicatorOut], summary="A programme's indicators over its years")
def results_programme(request, code: str):
    """Every indicator of the programme with its values in each of its years, as last computed."""
    programme = _staff_programme(request, code)
    return programme_json(programme)
