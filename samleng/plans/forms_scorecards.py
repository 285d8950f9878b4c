"""The staff forms of community scorecards (views_scorecards_staff; the services say the rules): a scorecard's
meeting, participants and findings; a criterion with the provider's self-assessment and, per group, the voters who
gave each score 1-5 (a small table of number inputs: counts only, never a voter)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samleng.core.i18n import local_text
from samleng.core.widgets import DATE_INPUT, use_plain_selects
from samleng.places.models import Place
from samleng.plans.scorecard_models import SCORES, VoterGroup

_TEXT = {"rows": 3}


def _place_choices(places) -> list[tuple]:
    return [("", "—")] + [(str(p.pk), f"{local_text(p.name_km, p.name_en)} ({p.code})") for p in places]


class ScorecardForm(forms.Form):
    scorecard_id = forms.CharField(label=_("scorecard id"), required=False, max_length=40,
                                   help_text=_("Empty: made from the facility and the cycle."))
    cycle = forms.IntegerField(label=_("cycle"), min_value=2000, max_value=2100,
                               help_text=_("The ISAF cycle's year."))
    met_on = forms.DateField(label=_("scorecard meeting on"), widget=DATE_INPUT)
    commune = forms.ChoiceField(label=_("commune"), required=False,
                                help_text=_("Where the community met; empty: the facility's commune."))
    village = forms.ChoiceField(label=_("village"), required=False)
    self_assessed_on = forms.DateField(label=_("provider's self-assessment on"), required=False, widget=DATE_INPUT)
    interface_on = forms.DateField(label=_("interface meeting on"), required=False, widget=DATE_INPUT)
    participants_total = forms.IntegerField(label=_("participants"), required=False, min_value=0)
    participants_female = forms.IntegerField(label=_("women"), required=False, min_value=0)
    participants_youth = forms.IntegerField(label=_("youth"), required=False, min_value=0)
    participants_indigenous = forms.IntegerField(label=_("indigenous or ethnic minority"), required=False,
                                                 min_value=0)
    participants_disability = forms.IntegerField(label=_("with a disability"), required=False, min_value=0)
    participants_id_poor = forms.IntegerField(label=_("IDPoor card holders"), required=False, min_value=0)
    strengths_km = forms.CharField(label=_("strengths in Khmer"), required=False, widget=forms.Textarea(attrs=_TEXT))
    strengths_en = forms.CharField(label=_("strengths in English"), required=False,
                                   widget=forms.Textarea(attrs=_TEXT))
    weaknesses_km = forms.CharField(label=_("weaknesses in Khmer"), required=False,
                                    widget=forms.Textarea(attrs=_TEXT))
    weaknesses_en = forms.CharField(label=_("weaknesses in English"), required=False,
                                    widget=forms.Textarea(attrs=_TEXT))
    suggestions_km = forms.CharField(label=_("suggestions in Khmer"), required=False,
                                     widget=forms.Textarea(attrs=_TEXT))
    suggestions_en = forms.CharField(label=_("suggestions in English"), required=False,
                                     widget=forms.Textarea(attrs=_TEXT))
    public = forms.BooleanField(label=_("public"), required=False,
                                help_text=_("Counts and medians only reach the public page, never the meeting's "
                                            "words."))

    def __init__(self, *args, facility, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # The meeting's places: the communes of the facility's district and their villages (as the sheet looks
        # for them).
        communes = list(Place.objects.filter(parent=facility.district_id, level=Place.Level.COMMUNE))
        villages = list(Place.objects.filter(parent__in=[c.pk for c in communes], level=Place.Level.VILLAGE))
        self.places = {str(p.pk): p for p in communes + villages}
        self.fields["commune"].choices = _place_choices(communes)
        self.fields["village"].choices = _place_choices(villages)
        if editing:
            del self.fields["scorecard_id"]
        else:
            self.fields["cycle"].initial = timezone.localdate().year
        use_plain_selects(self)

    def clean_commune(self):
        return self.places.get(self.cleaned_data.get("commune") or "")

    def clean_village(self):
        return self.places.get(self.cleaned_data.get("village") or "")


def vote_field_name(group: str, score: int) -> str:
    return f"votes_{group}_{score}"


class CriterionForm(forms.Form):
    number = forms.IntegerField(label=_("number"), min_value=1)
    text_km = forms.CharField(label=_("text in Khmer"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    text_en = forms.CharField(label=_("text in English"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # Not bounded here: the service says the scorecards' rule (a whole number from 1 to 5) in the reader's words.
    provider_score = forms.IntegerField(label=_("provider's self-assessment"), required=False,
                                        help_text=_("The provider's own score, from 1 (very poor) to 5 (very good)."))

    #: The inputs of the votes' table, drawn by the template row by row.
    COUNTS = [(group, score) for group in VoterGroup.values for score in SCORES]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for group, score in self.COUNTS:
            label = _("%(group)s, score %(score)s") % {"group": VoterGroup(group).label, "score": score}
            self.fields[vote_field_name(group, score)] = forms.IntegerField(
                label=label, required=False, min_value=0,
                widget=forms.NumberInput(attrs={"min": 0, "class": "count", "aria-label": label}))

    def own_fields(self):
        return [self[name] for name in ("number", "text_km", "text_en", "provider_score")]

    def vote_rows(self):
        """Per group: its label and its five inputs (score 1 to 5)."""
        return [(VoterGroup(group).label, [self[vote_field_name(group, score)] for score in SCORES])
                for group in VoterGroup.values]

    @property
    def votes(self) -> dict[tuple[str, int], int | None]:
        return {(group, score): self.cleaned_data.get(vote_field_name(group, score)) for group, score in self.COUNTS}
