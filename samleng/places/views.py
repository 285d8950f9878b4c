"""The public place lookup: find a place by name or code and see where it is, without JavaScript."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from samleng.core.i18n import local_name
from samleng.places.models import Place
from samleng.places.selectors import place_ancestors, place_get, place_search

RESULTS_SHOWN = 50
_CHILDREN = {
    Place.Level.PROVINCE: _("its districts"),
    Place.Level.DISTRICT: _("its communes"),
    Place.Level.COMMUNE: _("its villages"),
}


class PlaceSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False, max_length=200)
    level = forms.TypedChoiceField(
        label=_("Level"), required=False, coerce=int, empty_value=None,
        choices=[("", _("any level")), *Place.Level.choices],
    )
    parent = forms.CharField(required=False, max_length=8, widget=forms.HiddenInput)

    def clean_parent(self) -> Place | None:
        code = self.cleaned_data["parent"]
        if not code:
            return None
        place = place_get(code)
        if place is None or place.level == Place.Level.VILLAGE:
            raise forms.ValidationError(_("There is no such place."), code="unknown")
        return place

    def clean(self):
        data = super().clean()
        parent, level = data.get("parent"), data.get("level")
        if parent and level and level <= parent.level:
            self.add_error("level", _("Choose a level below %(place)s.") % {"place": local_name(parent)})
        return data


def search(request):
    """/places/?q=Kleng&level=3: places matching a name or code, each with the province, district and
    commune it lies in. Public: the gazetteer is public information."""
    form = PlaceSearchForm(request.GET)
    rows, parent, searched = [], None, False
    if form.is_valid():
        query, level, parent = form.cleaned_data["q"], form.cleaned_data["level"], form.cleaned_data["parent"]
        if query or parent:
            searched = True
            if parent and not query and not level:  # browsing: the places directly in it
                level = parent.level + 1
            places = place_search(query, level=level, parent=parent, limit=RESULTS_SHOWN)
            rows = [{"place": p, "path": place_ancestors(p), "children": _CHILDREN.get(p.level)} for p in places]
    return render(request, "places/search.html", {
        "form": form, "rows": rows, "parent": parent, "searched": searched, "limit": RESULTS_SHOWN,
    })
