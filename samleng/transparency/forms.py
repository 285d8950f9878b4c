"""Forms of the transparency pages. They read and shape input only: the rules of a disclosure (a known item,
no date in the future, one disclosure per item) live in services.py, which raises ValidationError by field
name (the field names here are the services' keyword arguments)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samleng.core.widgets import use_plain_selects
from samleng.places.forms import PlaceChoiceField
from samleng.places.models import Place
from samleng.transparency.models import ElcItem, ProcurementItem

YES_NO_ALL = [("", _("all")), ("yes", _("yes")), ("no", _("no"))]


class DisclosureForm(forms.Form):
    """Record that one item of a concession or procurement project was made public, when and where."""

    item = forms.ChoiceField(label=_("Item"))
    disclosed_on = forms.DateField(label=_("Disclosed on"), help_text=_("the first day it was seen public"),
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    source = forms.CharField(label=_("Source"), required=False, max_length=500,
                             help_text=_("where it was seen: a web address, a notice board, a document"))

    def __init__(self, *args, vocabulary: type[ElcItem] | type[ProcurementItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "–")] + list(vocabulary.choices)
        # The browser's date picker stops at today; the service says so too, for any other client.
        self.fields["disclosed_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        use_plain_selects(self)


class _FilterForm(forms.Form):
    """The filters of a list (GET). Invalid values are dropped, not reported: a filter is a link."""

    @property
    def filters(self) -> dict:
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class ConcessionFilterForm(_FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        help_text=_("words of the name or company, or the concession id"))
    province = PlaceChoiceField(Place.Level.PROVINCE, label=_("Province"), required=False,
                                empty_label=_("all provinces"))
    tracked = forms.TypedChoiceField(label=_("Tracked by the programme"), required=False, choices=YES_NO_ALL,
                                     coerce=_yes_no, empty_value=None)

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["province"].show_only(Place.objects.filter(level=Place.Level.PROVINCE))
        use_plain_selects(self)


class ProcurementFilterForm(_FilterForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        help_text=_("words of the title, or the project or OCDS id"))
    buyer = forms.ChoiceField(label=_("Buyer"), required=False)
    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year"), required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, choices: dict, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["buyer"].choices = [("", _("all buyers"))] + [(b, b) for b in choices["buyers"]]
        self.fields["fiscal_year"].choices = [("", _("all years"))] + [(y, y) for y in choices["years"]]
        use_plain_selects(self)
