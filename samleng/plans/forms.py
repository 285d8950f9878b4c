from django import forms
from django.utils.translation import gettext_lazy as _

from samleng.core.forms import DocumentField
from samleng.plans.models import ActionStatus


class ActionUpdateForm(forms.Form):
    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("status"), choices=ActionStatus.choices)
    note_km = forms.CharField(label=_("note in Khmer"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note_en = forms.CharField(label=_("note in English"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.CharField(label=_("evidence"), required=False, max_length=500,
                               help_text=_("A link or a description."))
    evidence_file = DocumentField(label=_("evidence file"), required=False)
