"""The M&E pages of results: the programme's indicators with their values, one indicator in full, the
records behind any figure, the differences with past reports, the forms of the M&E officer and the annual
reports. Staff read them (field officers included); only those who see everything (M&E officers and
administrators) change, compute and issue. CBO representatives and authorities get a 404, as for any page
that is not theirs: nobody outside the NGO learns what it measures.

Views check access, call a selector or a service, render."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samleng.core.forms import add_service_errors
from samleng.core.i18n import local_text
from samleng.core.templatetags.samleng import digits
from samleng.results import reports, selectors, services
from samleng.results.computations import ComputationError
from samleng.results.forms import (
    IndicatorForm,
    ManualValueForm,
    NarrativeForm,
    ReportCreateForm,
    ReportedValueForm,
    computation_message,
    parameters_text,
)
from samleng.results.models import Indicator, Narrative, Programme, Report, ReportedValue, Snapshot

#: The parts of a figure one can open: the records counted, and those of the denominator that did not count.
DRILLDOWN_PARTS = ("numerator", "not_counted")


def _reader(user) -> bool:
    return user.is_staff_role or user.sees_everything


def staff_reads(view):
    """Logged-in NGO staff; anyone else logged in gets a 403 (the site's one rule: 403 for a page the user
    may not use, as /imports/ answers a representative; 404 for a record they must not know exists). The
    check comes before any record is looked up, so a 403 never tells whether a programme or report exists."""
    @login_required
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not _reader(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return checked


def me_writes(view):
    """Changes to the framework, figures, narratives and reports: those who see everything. Other staff,
    who may read the page, get a 403."""
    @staff_reads
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not request.user.sees_everything:
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return checked


def _programme(code) -> Programme:
    return get_object_or_404(Programme, code=code)


def _indicator(code, indicator_code) -> Indicator:
    return get_object_or_404(Indicator.objects.select_related("programme", "outcome"),
                             programme__code=code, code=indicator_code)


def _period_of(programme: Programme, period: int) -> int:
    """A year of the programme; any other year has no page."""
    if period not in programme.years:
        raise Http404
    return period


def _rows_by_outcome(programme: Programme, rows) -> list[tuple]:
    """The programme's rows under their outcomes, in the framework's order; rows of no outcome last."""
    outcomes = list(programme.outcomes.all())
    known = {outcome.code for outcome in outcomes}
    groups = [(outcome, [row for row in rows if row.outcome_code == outcome.code]) for outcome in outcomes]
    loose = [row for row in rows if row.outcome_code not in known]
    if loose:
        groups.append((None, loose))
    return [(outcome, group) for outcome, group in groups if group]


# ---- reading -------------------------------------------------------------------------------------------------

@staff_reads
def dashboard(request):
    programmes = list(Programme.objects.annotate(indicator_count=Count("indicators")))
    if len(programmes) == 1:
        return redirect("results:programme", code=programmes[0].code)
    return render(request, "results/dashboard.html", {"programmes": programmes})


@staff_reads
def programme_detail(request, code):
    programme = _programme(code)
    periods = list(programme.years)
    rows = selectors.programme_table(programme, periods)
    return render(request, "results/programme.html", {
        "programme": programme, "periods": periods, "groups": _rows_by_outcome(programme, rows),
        "can_edit": request.user.sees_everything,
    })


@staff_reads
def indicator_detail(request, code, indicator_code):
    indicator = _indicator(code, indicator_code)
    programme = indicator.programme
    periods = list(programme.years)
    row = selectors.indicator_row(indicator, periods)
    snapshots = {s.period: s for s in indicator.snapshots.select_related("entered_by").defer("records")}
    reported = {r.period: r for r in indicator.reported_values.all()}
    narratives = list(indicator.narratives.select_related("written_by"))  # newest version first
    years = [{
        "cell": cell, "snapshot": snapshots.get(cell.period), "reported": reported.get(cell.period),
        "narratives": [n for n in narratives if n.period == cell.period],
    } for cell in row.cells]
    return render(request, "results/indicator.html", {
        "programme": programme, "indicator": indicator, "row": row, "years": years,
        "parameters": parameters_text(indicator.parameters or {}), "can_edit": request.user.sees_everything,
    })


@staff_reads
def drilldown(request, pk, part):
    if part not in DRILLDOWN_PARTS:
        raise Http404
    snapshot = get_object_or_404(Snapshot.objects.select_related("indicator__programme", "entered_by"), pk=pk)
    try:
        page = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        page = 1
    found = selectors.drilldown(snapshot, user=request.user, part=part, page=page)
    return render(request, "results/drilldown.html", {
        "snapshot": snapshot, "indicator": snapshot.indicator, "programme": snapshot.indicator.programme,
        "part": part, "found": found,
    })


@staff_reads
def differences(request, code):
    programme = _programme(code)
    found = selectors.differences(programme, list(programme.years))
    return render(request, "results/differences.html", {"programme": programme, "differences": found})


# ---- computing and editing -----------------------------------------------------------------------------------

@me_writes
@require_POST
def compute(request, code):
    programme = _programme(code)
    services.snapshots_compute(user=request.user, programme=programme)
    messages.success(request, _("Every indicator is computed again from the records."))
    return redirect("results:programme", code=programme.code)


def _saved(request, message: str, indicator: Indicator):
    messages.success(request, message)
    return redirect("results:indicator", code=indicator.programme.code, indicator_code=indicator.code)


def _form_page(request, indicator: Indicator, form, title: str, period: int | None = None):
    return render(request, "results/form.html", {
        "programme": indicator.programme, "indicator": indicator, "form": form, "title": title, "period": period,
    })


def _save_through(form, service, **arguments) -> bool:
    """Call a service; put its errors on the form (by field, in the page's language). True when saved."""
    try:
        service(**arguments)
    except ValidationError as error:
        add_service_errors(form, error)
    except ComputationError as error:
        form.add_error("parameters" if "parameters" in form.fields else None, computation_message(error))
    else:
        return True
    return False


@me_writes
def indicator_edit(request, code, indicator_code):
    indicator = _indicator(code, indicator_code)
    form = IndicatorForm(request.POST or None, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        if _save_through(form, services.indicator_update, user=request.user, indicator=indicator, **form.changes):
            return _saved(request, _("The indicator is saved."), indicator)
    return _form_page(request, indicator, form, _("Change the indicator"))


@me_writes
def manual_value_edit(request, code, indicator_code, period):
    indicator = _indicator(code, indicator_code)
    period = _period_of(indicator.programme, period)
    if indicator.is_computed:
        raise Http404  # a computed figure comes from the records, never from a form
    current = indicator.snapshots.filter(period=period).first()
    initial = {} if current is None else {"value": current.value, "numerator": current.numerator,
                                          "denominator": current.denominator, "evidence": current.evidence}
    form = ManualValueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if _save_through(form, services.manual_value_set, user=request.user, indicator=indicator, period=period,
                         **form.cleaned_data):
            return _saved(request, _("The value is saved."), indicator)
    return _form_page(request, indicator, form, _("Enter the value"), period)


@me_writes
def reported_value_edit(request, code, indicator_code, period):
    indicator = _indicator(code, indicator_code)
    period = _period_of(indicator.programme, period)
    current = ReportedValue.objects.filter(indicator=indicator, period=period).first()
    initial = {} if current is None else {
        "value": current.value, "decimals": current.decimals, "numerator": current.numerator,
        "denominator": current.denominator, "narrative": current.narrative,
        "breakdown": "; ".join(f"{key}={number}" for key, number in (current.breakdown or {}).items()),
    }
    form = ReportedValueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if _save_through(form, services.reported_value_set, user=request.user, indicator=indicator, period=period,
                         **form.cleaned_data):
            return _saved(request, _("The reported figure is saved."), indicator)
    return _form_page(request, indicator, form, _("The figure a report gave"), period)


@me_writes
def narrative_edit(request, code, indicator_code, period):
    indicator = _indicator(code, indicator_code)
    period = _period_of(indicator.programme, period)
    latest = Narrative.objects.filter(indicator=indicator, period=period).order_by("-version").first()
    initial = {} if latest is None else {"text_en": latest.text_en, "text_km": latest.text_km}
    form = NarrativeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if _save_through(form, services.narrative_save, user=request.user, indicator=indicator, period=period,
                         **form.cleaned_data):
            return _saved(request, _("The narrative is saved as a new version."), indicator)
    return _form_page(request, indicator, form, _("Write the narrative"), period)


# ---- reports -------------------------------------------------------------------------------------------------

@staff_reads
def report_list(request, code):
    programme = _programme(code)
    return render(request, "results/reports.html", {
        "programme": programme, "reports": programme.reports.select_related("issued_by"),
        "form": ReportCreateForm(years=programme.years), "can_edit": request.user.sees_everything,
        "formats": tuple(reports.common.FORMATS), "languages": reports.common.LANGUAGES,
    })


@me_writes
@require_POST
def report_create(request, code):
    programme = _programme(code)
    form = ReportCreateForm(request.POST, years=programme.years)
    if not form.is_valid():
        messages.error(request, _("Choose one of the programme's years."))
    else:
        try:
            report = services.report_create(user=request.user, programme=programme, period=form.cleaned_data["period"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            # The service gives the year's open draft when there is one, or a new one after an issued version.
            messages.success(request, _("Draft version %(version)s of %(year)s is ready.") % {
                "version": digits(report.version), "year": digits(report.period)})
    return redirect("results:reports", code=programme.code)


@me_writes
def report_issue(request, pk):
    """A confirm page (GET), then the issue itself (POST): an issued report never changes again."""
    report = get_object_or_404(Report.objects.select_related("programme"), pk=pk)
    if request.method == "POST":
        try:
            # The names the confirm page showed, when the box saying they were checked is ticked: a name found
            # since is refused and shown.
            checked = request.POST.getlist("name_checked") if request.POST.get("private_names_checked") else []
            services.report_issue(user=request.user, report=report, names_checked=checked)
        except ValidationError as error:
            if error.code != "private_cbo_named":
                messages.error(request, " ".join(error.messages))
                return redirect("results:reports", code=report.programme.code)
            # Found since the confirm page was shown (or not confirmed): shown again, with what names them.
            return _report_issue_page(request, report, refused=True)
        messages.success(request, _("The report is issued. Its figures and narratives are frozen."))
        return redirect("results:reports", code=report.programme.code)
    if report.status == Report.Status.ISSUED:
        messages.error(request, _("This report is already issued."))
        return redirect("results:reports", code=report.programme.code)
    return _report_issue_page(request, report)


def _report_issue_page(request, report: Report, *, refused: bool = False):
    """The confirm page, with the texts that name a CBO that is not public (a box to tick when there are)."""
    named = selectors.report_private_names(selectors.report_content(report.programme, report.period))
    return render(request, "results/report_issue.html", {
        "report": report, "programme": report.programme, "refused": refused,
        "private_names": [{"where": local_text(found["where_km"], found["where_en"]), "name": found["name"]}
                          for found in named],
        "names_shown": sorted({found["name"] for found in named}),
    }, status=400 if refused else 200)


def report_content_of(report: Report) -> dict:
    """What a report says: an issued one as it was issued; a draft as the figures stand now."""
    if report.status == Report.Status.ISSUED:
        return report.content
    content = selectors.report_content(report.programme, report.period)
    return {**content, "version": report.version, "status": report.status}


@staff_reads
def report_download(request, pk, fmt, lang):
    if fmt not in reports.common.FORMATS or lang not in reports.common.LANGUAGES:
        raise Http404
    report = get_object_or_404(Report.objects.select_related("programme", "issued_by"), pk=pk)
    data, content_type, filename = reports.render(report_content_of(report), fmt, lang)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
