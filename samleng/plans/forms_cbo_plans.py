"""The staff forms of a CBO's advocacy plans and their activities (views_cbo_staff; the services say the rules).
Offices and events are typed by id, as on the joint plans' forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samleng.accounts.access import can_see_event
from samleng.core.i18n import local_text
from samleng.core.widgets import DATE_INPUT, use_plain_selects
from samleng.engagement.models import Event
from samleng.plans.forms import OfficeIdField
from samleng.plans.models import ActivityKind, ActivityStatus, AdvocacyPlanStatus

_TEXT = {"rows": 2}


class AdvocacyPlanForm(forms.Form):
    plan_id = forms.CharField(label=_("plan id"), required=False, max_length=40,
                              help_text=_("Empty: made from the CBO and the year (AP-<CBO id>-<year>)."))
    starts_on = forms.DateField(label=_("starts on"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("ends on"), widget=DATE_INPUT)
    issue = forms.ChoiceField(label=_("main issue"), help_text=_("The CBO's main issue, which the plan pursues."))
    objective_km = forms.CharField(label=_("objective in Khmer"), required=False, widget=forms.Textarea(attrs=_TEXT))
    objective_en = forms.CharField(label=_("objective in English"), required=False,
                                   widget=forms.Textarea(attrs=_TEXT))
    status = forms.ChoiceField(label=_("status"), choices=AdvocacyPlanStatus.choices)
    duty_bearer = OfficeIdField(label=_("duty bearer"), required=False,
                                help_text=_("The office the plan targets, by its office id; empty: its issue's duty "
                                            "bearer."))

    def __init__(self, *args, cbo, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.issues = {str(issue.pk): issue for issue in cbo.issues.order_by("-is_main", "issue_id")}
        self.fields["issue"].choices = [("", "—")] + [
            (pk, f"{issue.issue_id} {local_text(issue.title_km, issue.title_en)}") for pk, issue in self.issues.items()]
        if editing:
            del self.fields["plan_id"]
        use_plain_selects(self)

    def clean_issue(self):
        issue = self.issues.get(self.cleaned_data.get("issue") or "")
        if issue is None:
            raise forms.ValidationError(_("Choose one of the CBO's issues."))
        return issue


class PlanActivityForm(forms.Form):
    activity_no = forms.IntegerField(label=_("activity number"))
    kind = forms.ChoiceField(label=_("kind"), choices=ActivityKind.choices)
    description_km = forms.CharField(label=_("description in Khmer"), required=False,
                                     widget=forms.Textarea(attrs=_TEXT))
    description_en = forms.CharField(label=_("description in English"), required=False,
                                     widget=forms.Textarea(attrs=_TEXT))
    planned_on = forms.DateField(label=_("planned on"), widget=DATE_INPUT)
    status = forms.ChoiceField(label=_("status"), choices=ActivityStatus.choices)
    done_on = forms.DateField(label=_("done on"), required=False, widget=DATE_INPUT)
    event = forms.CharField(label=_("event"), required=False, max_length=40,
                            help_text=_("The event where it was done, by its event id (its page shows it)."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        use_plain_selects(self)

    def clean_event(self):
        typed = (self.cleaned_data.get("event") or "").strip()
        if not typed:
            return None
        event = Event.objects.filter(event_id=typed).first()
        if event is None or not can_see_event(self.user, event):  # no more than the reader may know
            raise forms.ValidationError(_("Samleng knows no event with the id %(id)s.") % {"id": typed})
        return event
