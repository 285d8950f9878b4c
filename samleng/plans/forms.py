from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samleng.cbos.forms import cbo_typed
from samleng.core.forms import DocumentField
from samleng.core.i18n import local_text
from samleng.core.widgets import DATE_INPUT, use_plain_selects
from samleng.places.selectors import office_get
from samleng.plans.models import ActionStatus, Origin, Responsible


class ActionUpdateForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("status"), choices=ActionStatus.choices)
    note_km = forms.CharField(label=_("note in Khmer"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note_en = forms.CharField(label=_("note in English"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.CharField(label=_("evidence"), required=False, max_length=500,
                               help_text=_("A link or a description."))
    evidence_file = DocumentField(label=_("evidence file"), required=False)


# ---- the staff pages of a joint plan (views_staff) --------------------------------------------------------------


class OfficeIdField(forms.CharField):
    """An office typed by its office id (no list of thousands of offices to scroll): cleaned to the Office."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", _("Its office id (for example OF-0606-1): the office's page shows it."))
        super().__init__(**kwargs)

    def clean(self, value):
        typed = super().clean(value)
        if not typed:
            return None
        office = office_get(typed)
        if office is None:
            raise forms.ValidationError(_("Samleng knows no office with the id %(id)s.") % {"id": typed})
        return office


class JointPlanForm(forms.Form):
    """A joint plan: what it is, the office whose plan it is, when and by which office it was endorsed, who made
    it with the authority. The CBOs are typed by id, among those the user may see."""

    title_km = forms.CharField(label=_("title in Khmer"), required=False, max_length=300)
    title_en = forms.CharField(label=_("title in English"), required=False, max_length=300)
    origin = forms.ChoiceField(label=_("origin"), choices=Origin.choices)
    authority = OfficeIdField(label=_("authority"))
    endorsed_on = forms.DateField(label=_("endorsed on"), widget=DATE_INPUT)
    endorsed_by = OfficeIdField(label=_("endorsed by"), required=False,
                                help_text=_("The office that endorsed it, if not the authority: its office id."))
    csos = forms.CharField(label=_("CSOs"), required=False, max_length=1000, help_text=_("Names separated by ';'."))
    cbos = forms.CharField(label=_("CBOs"), required=False, max_length=1000,
                           help_text=_("Their CBO ids (for example CBO-KT-001), separated by ';'."))
    respondents = forms.IntegerField(label=_("respondents"), required=False, min_value=0)
    respondents_female = forms.IntegerField(label=_("women among the respondents"), required=False, min_value=0)
    public = forms.BooleanField(label=_("Show it on the public pages"), required=False)
    scorecard = forms.CharField(label=_("scorecard"), required=False, max_length=40, help_text=_(
        "For a plan made at a scorecard's interface meeting (a JAAP): the scorecard's id."))
    joint_plan_id = forms.CharField(label=_("joint plan id"), required=False, max_length=40,
                                    help_text=_("Left empty, Samleng gives one (JP-<place code>-<year>)."))

    def __init__(self, *args, cbos, scorecards, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.cbos, self.scorecards = cbos, scorecards
        self.fields["endorsed_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        if editing:
            del self.fields["joint_plan_id"]  # the key of the workbook's rows: never changed
        use_plain_selects(self)

    def clean_cbos(self):
        typed = list(dict.fromkeys(text.strip() for text in self.cleaned_data["cbos"].split(";") if text.strip()))
        if not typed:
            return []
        wanted = models.Q()
        for text in typed:
            wanted |= models.Q(cbo_id__iexact=text)
        found = {cbo.cbo_id.casefold(): cbo for cbo in self.cbos.filter(wanted)}
        unknown = [text for text in typed if text.casefold() not in found]
        if unknown:
            raise forms.ValidationError(_("No CBO you may see has the id %(id)s.") % {"id": ", ".join(unknown)})
        return [found[text.casefold()] for text in typed]

    def clean_scorecard(self):
        typed = self.cleaned_data["scorecard"].strip()
        if not typed:
            return None
        found = self.scorecards.filter(scorecard_id__iexact=typed).first()  # another province's: unknown
        if found is None:
            raise forms.ValidationError(_("Samleng knows no scorecard with the id %(id)s.") % {"id": typed})
        return found

    def clean(self):
        data = super().clean()
        if not ((data.get("title_en") or "").strip() or (data.get("title_km") or "").strip()):
            self.add_error("title_en", _("Give the English or the Khmer, or both."))
        return data


class RecommendationForm(forms.Form):
    number = forms.IntegerField(label=_("number"), required=False, min_value=1,
                                help_text=_("Left empty: the next number."))
    text_km = forms.CharField(label=_("text in Khmer"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    text_en = forms.CharField(label=_("text in English"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ActionForm(forms.Form):
    """An action of a plan: what, who is responsible (an office by its id, a CBO by its id, or an organisation's
    name), by when, and the recommendation it serves."""

    what_km = forms.CharField(label=_("what, in Khmer"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    what_en = forms.CharField(label=_("what, in English"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    responsible_type = forms.ChoiceField(label=_("responsible"), choices=Responsible.choices)
    responsible_office = OfficeIdField(label=_("responsible office"), required=False,
                                       help_text=_("When an office is responsible: its office id."))
    responsible_cbo = forms.CharField(label=_("responsible CBO"), required=False, max_length=40,
                                      help_text=_("When a CBO is responsible: its CBO id."))
    responsible_name = forms.CharField(label=_("responsible organisation"), required=False, max_length=200,
                                       help_text=_("When an organisation is responsible: its name."))
    due_on = forms.DateField(label=_("due on"), widget=DATE_INPUT)
    recommendation = forms.ModelChoiceField(label=_("recommendation"), queryset=None, required=False,
                                            empty_label=_("(none)"))
    criterion = forms.ModelChoiceField(label=_("scorecard criterion"), queryset=None, required=False,
                                       empty_label=_("(none)"))
    action_id = forms.CharField(label=_("action id"), required=False, max_length=40,
                                help_text=_("Left empty, Samleng gives one (<joint plan id>-A<n>)."))

    def __init__(self, *args, plan, cbos, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.cbos = cbos
        field = self.fields["recommendation"]
        field.queryset = plan.recommendations.all()
        field.label_from_instance = lambda r: f"{r.number}. {local_text(r.text_km, r.text_en)[:80]}"
        if plan.scorecard_id is None:
            del self.fields["criterion"]  # only a JAAP's actions answer a scorecard's criteria
        else:
            field = self.fields["criterion"]
            field.queryset = plan.scorecard.criteria.order_by("number")
            field.label_from_instance = lambda c: f"{c.number}. {local_text(c.text_km, c.text_en)[:80]}"
        if editing:
            del self.fields["action_id"]
        use_plain_selects(self)

    def clean_responsible_cbo(self):
        return cbo_typed(self.cbos, self.cleaned_data["responsible_cbo"])
