"""Forms of the staff pages. They only read and shape input: the rules live in services.py (which raise
ValidationError by field name, so the field names here follow the services' keyword arguments)."""

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from samleng.accounts.access import can_edit_event, cbo_scope, issue_scope
from samleng.advocacy.models import Issue
from samleng.cbos.models import CBO
from samleng.core.forms import SearchField
from samleng.core.i18n import local_name, local_text
from samleng.core.widgets import use_plain_selects
from samleng.engagement.models import Event, Mechanism
from samleng.engagement.selectors import events_raising, open_issues_for_event
from samleng.places.forms import PlaceChoiceField, PlaceField, known_place, place_choice_label
from samleng.places.models import Place
from samleng.places.selectors import place_resolve


def _narrow_places(form: forms.Form, known: dict, user=None) -> None:
    """List the districts of the province chosen; before one is, a field officer's own provinces."""
    province = known_place(known, "province", Place.Level.PROVINCE)
    districts = Place.objects.filter(level=Place.Level.DISTRICT)
    own = list(user.provinces.all()) if user is not None and user.role == "field_officer" else []
    if province is not None:
        districts = districts.filter(parent=province)
    elif own:
        districts = districts.filter(parent__in=own)
    form.fields["district"].show_only(districts)


def _known(form: forms.Form) -> dict:
    return form.data if form.is_bound else {**form.initial}


class Form(forms.Form):
    """Labels without a trailing colon: it reads oddly after a checkbox, and Khmer does not use it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _area(known) -> tuple[Place | None, Place | None]:
    """The province and district a form names so far (a district typed as text is looked up within the
    province), to offer the issues of that area."""
    province = known_place(known, "province", Place.Level.PROVINCE)
    district = known.get("district")
    if district and not isinstance(district, Place):
        district = place_resolve(str(district), level=Place.Level.DISTRICT, parent=province).place
    return province, district or None


class IssueChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, issue: Issue) -> str:
        title, cbo = local_text(issue.title_km, issue.title_en), local_name(issue.cbo)
        return f"{issue.issue_id}: {title} ({cbo}, {issue.get_status_display()})"


class EventForm(Form):
    type = forms.ChoiceField(label=_("Type of event"), choices=Event.Type.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    title_km = forms.CharField(label=_("Title in Khmer"), max_length=300, required=False,
                               help_text=_("What Khmer pages show; they show the title above when this is empty."))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}),
                           help_text=_("If you type it: year-month-day, for example 2024-03-15."))
    province = PlaceChoiceField(Place.Level.PROVINCE, label=_("Province"))
    # Typed, not chosen from a list: 210 districts and 1,661 communes are too many for a phone's select,
    # and PlaceField understands the usual spellings ("Kleng" for Klaeng) within the place above.
    district = PlaceField(level=Place.Level.DISTRICT, parent_field="province", label=_("District"), required=False)
    commune = PlaceField(level=Place.Level.COMMUNE, parent_field="district", label=_("Commune"), required=False)
    authorities_present = forms.BooleanField(label=_("Local authorities were present"), required=False)
    participants_total = forms.IntegerField(label=_("Participants in all"), min_value=0, required=False)
    participants_female = forms.IntegerField(label=_("of whom women"), min_value=0, required=False)
    participants_youth = forms.IntegerField(label=_("of whom youth (30 or under)"), min_value=0, required=False)
    participants_indigenous = forms.IntegerField(label=_("of whom indigenous people"), min_value=0,
                                                 required=False)
    participants_disability = forms.IntegerField(label=_("of whom people with disabilities"), min_value=0,
                                                 required=False)
    issues = IssueChoiceField(label=_("Issues raised at the event"), queryset=Issue.objects.none(),
                              required=False, widget=forms.CheckboxSelectMultiple)
    issue_ids = forms.CharField(label=_("Other issues raised (issue ids)"), required=False,
                                help_text=_("Type issue ids separated by commas, for example ISS-001, ISS-002."))

    invited_cbos = forms.CharField(
        label=_("Invited CBOs (CBO ids)"), required=False,
        help_text=_("Type the ids of the CBOs invited, separated by commas, for example CBO-001, CBO-002. Their "
                    "representatives get the notice when you send it from the event's page."))

    def __init__(self, *args, user, event: Event | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.event = user, event
        visible = Issue.objects.filter(issue_scope(user)).select_related("cbo")
        self.fields["issues"].queryset = visible
        # The checkbox list: open issues of the CBOs of the area, and those already raised at this event.
        province, district = _area(_known(self))
        shown = open_issues_for_event(user, province=province, district=district)
        if event is not None:
            shown += [i for i in visible.filter(events_raised_at=event) if i not in shown]
        field = self.fields["issues"]
        field.widget.choices = [(i.pk, field.label_from_instance(i)) for i in shown]

    def clean_title(self) -> str:
        return self.cleaned_data["title"].strip()

    def clean_title_km(self) -> str:
        return self.cleaned_data["title_km"].strip()

    def clean_issue_ids(self) -> list[Issue]:
        ids = [i for i in re.split(r"[\s,;]+", self.cleaned_data["issue_ids"].upper()) if i]
        found = {i.issue_id: i for i in Issue.objects.filter(issue_scope(self.user), issue_id__in=ids)}
        unknown = [i for i in ids if i not in found]
        if unknown:
            raise forms.ValidationError(_("Unknown issue ids: %(ids)s"), params={"ids": ", ".join(unknown)})
        return list(found.values())

    def clean_invited_cbos(self) -> list[CBO]:
        ids = [i for i in re.split(r"[\s,;]+", self.cleaned_data["invited_cbos"].upper()) if i]
        found = {c.cbo_id.upper(): c for c in CBO.objects.filter(cbo_scope(self.user), cbo_id__in=ids)}
        unknown = [i for i in ids if i not in found]
        if unknown:
            raise forms.ValidationError(_("Unknown CBO ids: %(ids)s"), params={"ids": ", ".join(unknown)})
        return list({c.pk: c for c in found.values()}.values())

    def clean(self):
        data = super().clean()
        # A field officer who records an event outside their provinces could not see it afterwards.
        province = data.get("province")
        if province is not None and not can_edit_event(
            self.user, Event(province=province, district=data.get("district"), commune=data.get("commune"))
        ):
            self.add_error("province", _("You may record events only in the provinces you work in."))
        return data

    def values(self) -> dict:
        """The cleaned values as the services take them (issues from the list and the typed ids together)."""
        data = dict(self.cleaned_data)
        issues = list(data.pop("issues", [])) + data.pop("issue_ids", [])
        data["issues"] = list({i.pk: i for i in issues}.values())
        return data


class EventFilterForm(Form):
    q = SearchField()
    province = PlaceChoiceField(Place.Level.PROVINCE, label=_("Province"), required=False,
                                empty_label=_("All provinces"))
    district = PlaceChoiceField(Place.Level.DISTRICT, label=_("District"), required=False,
                                empty_label=_("All districts"))
    type = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All types")), *Event.Type.choices])
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    authorities = forms.ChoiceField(
        label=_("Authorities present"), required=False,
        choices=[("", _("yes or no")), ("yes", _("yes")), ("no", _("no"))],
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _narrow_places(self, _known(self), user)
        use_plain_selects(self)

    def filters(self) -> dict:
        """The valid filters (an invalid one is ignored rather than emptying the list)."""
        self.is_valid()
        data = self.cleaned_data
        authorities = {"yes": True, "no": False}.get(data.get("authorities") or "")
        return {
            "q": data.get("q") or "", "province": data.get("province"), "district": data.get("district"),
            "type": data.get("type") or "", "year": data.get("year"), "authorities_present": authorities,
        }


class AttendanceForm(Form):
    """Who came and who spoke, ticked from a list of representatives (the template draws the table)."""

    present = forms.ModelMultipleChoiceField(queryset=None, required=False)
    spoke = forms.ModelMultipleChoiceField(queryset=None, required=False)

    def __init__(self, *args, representatives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = representatives
        self.fields["spoke"].queryset = representatives


class AssessmentFilterForm(Form):
    province = PlaceChoiceField(Place.Level.PROVINCE, label=_("Province"), required=False,
                                empty_label=_("All provinces"))
    district = PlaceChoiceField(Place.Level.DISTRICT, label=_("District"), required=False,
                                empty_label=_("All districts"))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _narrow_places(self, _known(self), user)
        use_plain_selects(self)

    def filters(self) -> dict:
        self.is_valid()
        return {k: self.cleaned_data.get(k) for k in ("province", "district", "year")}


class AssessmentForm(Form):
    district = PlaceChoiceField(Place.Level.DISTRICT, label=_("District"), with_parent=True)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100,
                              initial=lambda: dt.date.today().year)
    mechanism = forms.ChoiceField(label=_("Mechanism"), choices=Mechanism.choices)
    held = forms.BooleanField(label=_("Held in the year"), required=False)
    diverse_representation = forms.BooleanField(
        label=_("Diverse representation (women, youth, indigenous people, people with disabilities)"),
        required=False,
    )
    notice_given = forms.BooleanField(label=_("Notice given in advance"), required=False)
    minutes_shared = forms.BooleanField(label=_("Minutes shared"), required=False)
    questions_answered = forms.BooleanField(label=_("Citizens' questions answered"), required=False)
    follow_up_done = forms.BooleanField(label=_("Follow-up done"), required=False)


class EventChoiceField(forms.ModelChoiceField):
    """One of the events where an issue was raised, shown by date, type and place: the "At the event" field
    this app adds to advocacy's update and commitment forms (engagement.related)."""

    def label_from_instance(self, event) -> str:
        place = event.commune or event.district or event.province
        return f"{event.date.isoformat()} · {event.get_type_display()} · {place_choice_label(place)}"


def raised_at_field(issue: Issue) -> EventChoiceField:
    return EventChoiceField(
        queryset=events_raising(issue), required=False, label=_("At the event"),
        empty_label=_("not at an event"), help_text=_("The events where this issue was raised."),
    )
