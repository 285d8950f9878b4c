"""The staff form of a resource a CBO mobilised (views_resources.resource_new; the service says the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samleng.core.i18n import local_text
from samleng.core.widgets import DATE_INPUT, use_plain_selects
from samleng.plans.forms import OfficeIdField
from samleng.plans.models import Currency, Recurrence, ResourceKind, SourceType, Unit

_NONE = [("", "—")]


class ResourceForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=DATE_INPUT, help_text=_("When it was given or agreed."))
    kind = forms.ChoiceField(label=_("kind of resource"), choices=ResourceKind.choices)
    description_km = forms.CharField(label=_("description in Khmer"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    description_en = forms.CharField(label=_("description in English"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    source_type = forms.ChoiceField(label=_("source"), choices=SourceType.choices)
    source_office = OfficeIdField(label=_("office"), required=False,
                                  help_text=_("For an authority: its office id (for example OF-0606-1)."))
    source_name = forms.CharField(label=_("from whom"), required=False, max_length=200,
                                  help_text=_("For any other source: its name (staff pages only)."))
    amount = forms.DecimalField(label=_("amount"), required=False, min_value=0, max_digits=18, decimal_places=2)
    currency = forms.ChoiceField(label=_("currency"), required=False, choices=_NONE + Currency.choices)
    quantity = forms.DecimalField(label=_("quantity"), required=False, min_value=0, max_digits=16, decimal_places=3)
    unit = forms.ChoiceField(label=_("unit of a quantity"), required=False, choices=_NONE + Unit.choices)
    recurrence = forms.ChoiceField(label=_("recurrence"), choices=Recurrence.choices,
                                   help_text=_("Monthly: the amount and quantity are per month."))
    given_from = forms.DateField(label=_("given from"), required=False, widget=DATE_INPUT)
    given_to = forms.DateField(label=_("given to"), required=False, widget=DATE_INPUT,
                               help_text=_("Empty: still given."))
    issue = forms.ChoiceField(label=_("issue"), required=False)
    evidence = forms.CharField(label=_("evidence"), required=False, max_length=500,
                               help_text=_("Where the proof is: a document's name or a link."))
    note_km = forms.CharField(label=_("note in Khmer"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note_en = forms.CharField(label=_("note in English"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, cbo, **kwargs):
        super().__init__(*args, **kwargs)
        self.issues = {str(issue.pk): issue for issue in cbo.issues.order_by("issue_id")}
        self.fields["issue"].choices = _NONE + [(pk, f"{issue.issue_id} {local_text(issue.title_km, issue.title_en)}")
                                                for pk, issue in self.issues.items()]
        use_plain_selects(self)

    def clean_issue(self):
        return self.issues.get(self.cleaned_data.get("issue") or "")
