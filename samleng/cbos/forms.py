"""Forms of the CBO pages. They read and shape input only: the rules live in services.py, which raise
ValidationError by field name (the field names here are the services' keyword arguments)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samleng.cbos.models import CBO, Representative
from samleng.core.forms import SearchField
from samleng.core.widgets import DATE_INPUT, use_plain_selects
from samleng.places.forms import PlaceChoiceField, PlaceField, place_choice_label
from samleng.places.models import Place


def cbo_typed(cbos, typed: str) -> CBO | None:
    """The CBO of an id typed in a form, among `cbos` (those the user may see: no list of thousands of CBOs to
    scroll), or None when nothing was typed. A CBO the user may not see is as unknown as one that does not exist."""
    typed = typed.strip()
    if not typed:
        return None
    found = cbos.filter(cbo_id__iexact=typed).first()
    if found is None:
        raise forms.ValidationError(_("No CBO you may see has the id %(id)s.") % {"id": typed})
    return found


class CBOForm(forms.ModelForm):
    """Register or change a CBO. Places are typed (a name in Khmer or English, or the code) and looked for
    within the place above them, so no list of 14,576 villages is ever sent to a phone."""

    province = PlaceField(level=Place.Level.PROVINCE, label=_("Province"))
    district = PlaceField(level=Place.Level.DISTRICT, parent_field="province", label=_("District"))
    commune = PlaceField(level=Place.Level.COMMUNE, parent_field="district", label=_("Commune"), required=False)
    village = PlaceField(level=Place.Level.VILLAGE, parent_field="commune", label=_("Village"), required=False)

    class Meta:
        model = CBO
        fields = ["cbo_id", "name_en", "name_km", "type", "province", "district", "commune", "village",
                  "established_on", "joined_on", "members_total", "members_female", "committee_total",
                  "committee_female", "area_ha", "is_public"]
        widgets = {"established_on": DATE_INPUT, "joined_on": DATE_INPUT}


class RepresentativeForm(forms.ModelForm):
    """A person who represents a CBO: personal data, shown only to staff whose scope covers the CBO."""

    class Meta:
        model = Representative
        fields = ["person_id", "full_name", "sex", "birth_year", "role", "indigenous", "disability", "phone",
                  "telegram", "consent_on"]
        widgets = {
            "consent_on": DATE_INPUT,
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "telegram": forms.TextInput(attrs={"autocomplete": "off"}),
        }


class CBOFilterForm(forms.Form):
    """The filters of a CBO list (GET). Invalid values are dropped, not reported: a filter is a link."""

    q = SearchField()
    province = PlaceChoiceField(Place.Level.PROVINCE, label=_("Province"), required=False,
                                empty_label=_("all provinces"))
    district = PlaceChoiceField(Place.Level.DISTRICT, label=_("District"), required=False,
                                empty_label=_("all districts"))
    type = forms.ChoiceField(label=_("Type"), required=False,
                             choices=[("", _("all types")), *CBO.Type.choices])
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None,
                                  help_text=_("joined the programme or established"))

    def __init__(self, data, *, choices: dict, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["province"].show_only(Place.objects.filter(level=Place.Level.PROVINCE))
        self.fields["district"].widget.choices = [("", _("all districts"))] + [
            (p.pk, place_choice_label(p, with_parent=True)) for p in choices["districts"]
        ]
        self.fields["year"].choices = [("", _("all years"))] + [(y, y) for y in choices["years"]]
        use_plain_selects(self)

    @property
    def filters(self) -> dict:
        """The valid filters (an invalid one is left out rather than emptying the list)."""
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
