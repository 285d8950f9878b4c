"""Forms of the advocacy pages. They read and shape input only: the rules live in services.py, which raise
ValidationError by field name (the field names here are the services' keyword arguments)."""

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samleng.advocacy.models import Issue, Status
from samleng.advocacy.selectors import CLOSED, LINKABLE_PROJECTS, OPEN, linkable_projects
from samleng.budgets.models import Project
from samleng.cbos.models import CBO
from samleng.core.forms import DocumentField, SearchField
from samleng.core.i18n import local_name, local_text
from samleng.core.related import WithParts
from samleng.core.templatetags.samleng import digits, num
from samleng.core.widgets import DATE_INPUT, use_plain_selects
from samleng.places.forms import PlaceChoiceField, place_choice_label
from samleng.places.models import Place

#: What the office fields say: an office is typed, as its id or its name (no list of thousands of offices).
OFFICE_HELP = _("The office: its office id (for example OF-0606-1), or its name in Khmer or English; a new name "
                "creates the office at that level, in the CBO's place.")


class IssueForm(forms.ModelForm):
    """An issue. Its duty bearer is typed (an office id or a name, services.office_for_issue finds or creates
    the office at the level chosen, in the CBO's place); left empty, the administration of that place."""

    duty_bearer = forms.CharField(label=_("Duty bearer"), required=False, max_length=200, help_text=OFFICE_HELP)

    class Meta:
        model = Issue
        fields = ["issue_id", "title_en", "title_km", "topic", "description", "description_km", "duty_bearer_level",
                  "raised_on", "is_main", "households_affected", "people_affected", "people_affected_female",
                  "is_public"]
        widgets = {"raised_on": DATE_INPUT, "description": forms.Textarea(attrs={"rows": 4}),
                   "description_km": forms.Textarea(attrs={"rows": 4, "lang": "km"})}
        labels = {"description": _("Description in English")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["issue_id", "title_en", "title_km", "topic", "description", "description_km",
                           "duty_bearer_level",
                           "duty_bearer"])
        office = self.instance.duty_bearer if self.instance.pk else None
        if office is not None:
            self.initial["duty_bearer"] = office.office_id


class IssueUpdateForm(WithParts, forms.Form):
    """An update of an issue. Other apps may add fields (core.related form parts of "advocacy.issueupdate":
    engagement's event where the update was recorded), shown after the date."""

    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    date = forms.DateField(label=_("Date"), widget=DATE_INPUT, initial=timezone.localdate)
    note = forms.CharField(label=_("Note in English"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    note_km = forms.CharField(label=_("Note in Khmer"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4, "lang": "km"}))
    evidence = forms.CharField(label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text=_("A link, or where the evidence can be found."))
    evidence_file = DocumentField(label=_("Evidence file"), required=False)
    people_benefited = forms.IntegerField(label=_("People benefited"), required=False,
                                          validators=[MinValueValidator(0)])
    people_benefited_female = forms.IntegerField(label=_("Women benefited"), required=False,
                                                 validators=[MinValueValidator(0)])

    def __init__(self, *args, issue: Issue, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        added = self.add_parts("advocacy.issueupdate", user=user, parent=issue)
        self.order_fields(["status", "date", *added, "note", "note_km", "evidence", "evidence_file"])


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class CommitmentForm(WithParts, forms.Form):
    """A commitment about an issue; other apps' fields (form parts of "advocacy.commitment": engagement's
    event where it was made) come last."""

    made_on = forms.DateField(label=_("Promised on"), widget=DATE_INPUT)
    authority = forms.CharField(label=_("Authority"), max_length=200,
                                help_text=format_lazy(
                                    "{} {}", _("Who made the promise: the office, not a person's name."), OFFICE_HELP))
    level = forms.ChoiceField(label=_("Level of the office"), required=False,
                              choices=[("", _("the issue's duty bearer level")), *Issue.Level.choices])
    promise = forms.CharField(label=_("What was promised, in English"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    promise_km = forms.CharField(label=_("What was promised, in Khmer"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3, "lang": "km"}),
                                 help_text=_("One of the two at least; each page shows its reader's language."))
    due_on = forms.DateField(label=_("Due by"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, issue: Issue, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_parts("advocacy.commitment", user=user, parent=issue)


def project_choice_label(project: Project) -> str:
    """A budget project among the choices, in the reader's language: "2024 · Klaeng · Canal rehabilitation ...
    · 400,000,000 riels"."""
    return " · ".join(part for part in (
        digits(project.fiscal_year), local_name(project.place), local_text(project.title_km, project.title_en),
        gettext("%(amount)s riels") % {"amount": num(project.cost_khr)}) if part)


class ProjectLinkForm(forms.Form):
    """Link an issue to a budget project it led to: one of the projects of its CBO's commune, district or province
    (services.issue_project_link checks it again), latest years first."""

    project = forms.ModelChoiceField(label=_("Budget project it led to"), queryset=Project.objects.none(),
                                     empty_label=_("choose a project"),
                                     error_messages={"required": _("Choose the budget project the issue led to."),
                                                     "invalid_choice": _(
                                         "That project is not one of the projects of the CBO's commune, district or "
                                         "province, or it is already linked: choose one from the list.")})

    def __init__(self, *args, issue: Issue, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["project"]
        field.queryset = linkable_projects(issue).select_related("place")
        # The list offers the latest ones; any linkable project is accepted (the queryset checks the choice).
        field.widget.choices = [("", field.empty_label)] + [
            (project.pk, project_choice_label(project)) for project in field.queryset[:LINKABLE_PROJECTS]]


class KeptForm(forms.Form):
    kept_on = forms.DateField(label=_("Kept on"), widget=DATE_INPUT, initial=timezone.localdate)


class IssueFilterForm(forms.Form):
    """The filters of an issue list (GET). Invalid values are dropped, not reported: a filter is a link."""

    q = SearchField()
    province = PlaceChoiceField(Place.Level.PROVINCE, label=_("Province"), required=False,
                                empty_label=_("all provinces"))
    district = PlaceChoiceField(Place.Level.DISTRICT, label=_("District"), required=False,
                                empty_label=_("all districts"))
    cbo_type = forms.ChoiceField(label=_("CBO type"), required=False,
                                 choices=[("", _("all types")), *CBO.Type.choices])
    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=[("", _("all topics")), *Issue.Topic.choices])
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("any status")), (OPEN, _("open")), (CLOSED, _("closed")), *Status.choices])
    year = forms.TypedChoiceField(label=_("Raised in"), required=False, coerce=int, empty_value=None)
    # The office the issues are addressed to, by its office_id: the figures of an office's page link here.
    office = forms.CharField(label=_("Office"), required=False, max_length=40, help_text=_("its office id"),
                             strip=True)
    main = forms.TypedChoiceField(label=_("Main issues"), required=False, coerce=bool, empty_value=False,
                                  choices=[("", _("all issues")), ("1", _("main issues only"))])
    pending = forms.TypedChoiceField(label=_("Updates"), required=False, coerce=bool, empty_value=False,
                                     choices=[("", _("all")), ("1", _("awaiting confirmation"))])

    def __init__(self, data, *, choices: dict, public: bool = False, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["province"].show_only(Place.objects.filter(level=Place.Level.PROVINCE))
        self.fields["district"].widget.choices = [("", _("all districts"))] + [
            (p.pk, place_choice_label(p, with_parent=True)) for p in choices["districts"]
        ]
        self.fields["year"].choices = [("", _("all years"))] + [(y, y) for y in choices["years"]]
        if public:
            # Nothing awaits confirmation on public pages: they show confirmed updates only.
            del self.fields["pending"]
        use_plain_selects(self)

    @property
    def filters(self) -> dict:
        """The valid filters (an invalid one is left out rather than emptying the list)."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}
