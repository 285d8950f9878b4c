"""The place picker of every form: a text box that takes a code or a name in Khmer or English, and needs
no JavaScript. What was typed is resolved on the server; when it names several places, or none, the
error lists the candidates so that the person can type one of them (or its code)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samleng.core.i18n import local_name
from samleng.places.models import Place
from samleng.places.selectors import place_get, place_index, place_label, place_resolve, place_search

#: How many candidates an error lists before "and N more".
CANDIDATES_SHOWN = 8


class PlaceField(forms.CharField):
    """A place typed as text: its official code (Latin or Khmer digits), its Khmer name or its English name
    in any common romanisation. Cleans to a Place (or None when not required and left empty).

    `parent_field` names a field declared before this one whose cleaned value is a Place (another
    PlaceField, or a ModelChoiceField of places) or a code: the place is then looked for within it only,
    so "Kleng" under district "Sandan" is that district's commune."""

    default_error_messages = {
        "required": gettext_lazy("Type a name or a code."),
    }

    def __init__(self, *, level: int, parent_field: str | None = None, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("help_text", gettext_lazy("A name in Khmer or English, or the official code."))
        super().__init__(**kwargs)
        self.level = Place.Level(level)
        self.parent_field = parent_field

    def _clean_bound_field(self, bf):
        # Django cleans fields in the order they are declared, calling this with the bound field; the
        # parent field's cleaned value is already in the form's cleaned_data (absent if it was invalid:
        # then the place is looked for in the whole country, and the parent field shows its own error).
        parent = bf.form.cleaned_data.get(self.parent_field) if self.parent_field else None
        value = bf.initial if self.disabled else bf.data
        return self.clean_place(value, parent=parent)

    def clean(self, value):
        return self.clean_place(value, parent=None)

    def clean_place(self, value, *, parent=None) -> Place | None:
        if isinstance(value, int) and not isinstance(value, bool):  # a disabled field's initial: an id
            value = place_index().get_by_id(value) or value
        if isinstance(value, Place):
            return value
        text = super().clean(value)
        if text in self.empty_values:
            return None
        parent = self._parent_place(parent)
        match = place_resolve(text, level=self.level, parent=parent)
        if match.place is not None:
            return match.place
        raise self._error(text, parent, match.candidates)

    def _parent_place(self, parent) -> Place | None:
        if isinstance(parent, Place):
            return parent if parent.level < self.level else None
        if isinstance(parent, str) and parent:
            place = place_get(parent)
            return place if place is not None and place.level < self.level else None
        return None

    def _error(self, text: str, parent: Place | None, candidates: list[Place]) -> ValidationError:
        params = {"text": text, "level": self.level.label, "parent": local_name(parent)}
        if candidates:
            params["candidates"] = _candidates_text(candidates)
            message = _("“%(text)s” matches more than one %(level)s. Did you mean: %(candidates)s?")
            return ValidationError(message, code="ambiguous", params=params)
        # Nothing matched well enough: suggest what the search finds, if anything.
        suggestions = place_search(text, level=self.level, parent=parent, limit=CANDIDATES_SHOWN)
        if suggestions:
            params["candidates"] = _candidates_text(suggestions)
            if parent:
                message = _("No %(level)s called “%(text)s” in %(parent)s. Did you mean: %(candidates)s?")
            else:
                message = _("No %(level)s called “%(text)s”. Did you mean: %(candidates)s?")
        elif parent:
            message = _("No %(level)s called “%(text)s” in %(parent)s. Type its name or its code.")
        else:
            message = _("No %(level)s called “%(text)s”. Type its name or its code.")
        return ValidationError(message, code="unknown", params=params)

    def prepare_value(self, value):
        """A place shows as "Klaeng (060603)": the name for people, the code so that saving the form again
        finds the same place even where the name alone would be ambiguous."""
        place = value if isinstance(value, Place) else None
        if isinstance(value, int) and not isinstance(value, bool):  # a ModelForm's initial is the id
            place = place_index().get_by_id(value)
        if place is not None:
            return f"{place.name_en} ({place.code})"
        return value

    def has_changed(self, initial, data):
        if self.disabled:
            return False
        return str(self.prepare_value(initial) or "") != str(data or "").strip()


def _candidates_text(places: list[Place]) -> str:
    """ "Klaeng (060603), Sandan, Kampong Thom; ..." with at most CANDIDATES_SHOWN places."""
    shown = "; ".join(place_label(p) for p in places[:CANDIDATES_SHOWN])
    more = len(places) - CANDIDATES_SHOWN
    if more > 0:
        shown += "; " + _("and %(count)d more") % {"count": more}
    return shown


def place_choice_label(place: Place, with_parent: bool = False) -> str:
    """A place's name in the page's language, with its parent's name when `with_parent`."""
    if with_parent and place.parent_id:
        return f"{local_name(place)} ({local_name(place.parent)})"
    return local_name(place)


class PlaceChoiceField(forms.ModelChoiceField):
    """A place of one level of the gazetteer chosen from a list (provinces; districts in the filters).
    Any place of the level is accepted (services say, in plain words, when it does not lie in the province
    or district given), but the select lists only the places of the area known so far (`show_only`), so
    that it stays short on a phone without JavaScript. Record forms use PlaceField (typed names, codes)."""

    def __init__(self, level: int, *, with_parent: bool = False, **kwargs):
        self.with_parent = with_parent
        super().__init__(queryset=Place.objects.filter(level=level).select_related("parent"), **kwargs)

    def label_from_instance(self, place: Place) -> str:
        return place_choice_label(place, self.with_parent)

    def show_only(self, places) -> None:
        self.widget.choices = [("", self.empty_label or "")] + [
            (p.pk, self.label_from_instance(p)) for p in places.select_related("parent")
        ]


def known_place(values, name: str, level: int) -> Place | None:
    """The place a form has so far in `name` (bound data, initial value or instance), or None."""
    value = values.get(name)
    if isinstance(value, Place):
        return value
    try:
        return Place.objects.filter(level=level, pk=int(value)).first() if value else None
    except (TypeError, ValueError):
        return None
