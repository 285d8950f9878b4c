"""Forms of the transparency pages. They read and shape input only: the rules of a disclosure (a known item,
no date in the future, one disclosure per item) live in services.py, which raises ValidationError by field
name (the field names here are the services' keyword arguments)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samleng.cbos.forms import cbo_typed
from samleng.core.forms import DocumentField, SearchField
from samleng.core.widgets import use_plain_selects
from samleng.places.forms import PlaceChoiceField, PlaceField
from samleng.places.models import Office, Place
from samleng.transparency.models import (
    OFFICE_PLACE_FIELD,
    ElcItem,
    ProcurementItem,
    RequestChannel,
    RequestEventKind,
    RequestFileKind,
    RequestStatus,
    RequestTopic,
)

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
    q = SearchField(help_text=_("words of the name or company, or the concession id"))
    province = PlaceChoiceField(Place.Level.PROVINCE, label=_("Province"), required=False,
                                empty_label=_("all provinces"))
    tracked = forms.TypedChoiceField(label=_("Tracked by the programme"), required=False, choices=YES_NO_ALL,
                                     coerce=_yes_no, empty_value=None)

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["province"].show_only(Place.objects.filter(level=Place.Level.PROVINCE))
        use_plain_selects(self)


class ProcurementFilterForm(_FilterForm):
    q = SearchField(help_text=_("words of the title, or the project or OCDS id"))
    buyer = forms.ChoiceField(label=_("Buyer"), required=False)
    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year"), required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, choices: dict, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["buyer"].choices = [("", _("all buyers"))] + [(b, b) for b in choices["buyers"]]
        self.fields["fiscal_year"].choices = [("", _("all years"))] + [(y, y) for y in choices["years"]]
        use_plain_selects(self)


# ---- information requests ----------------------------------------------------------------------------------

_LEVELS = [("commune", _("commune")), ("district", _("district")), ("province", _("province")),
           ("national", _("national"))]


class RequestFilterForm(_FilterForm):
    status = forms.ChoiceField(label=_("Status"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    office = forms.CharField(label=_("Office"), required=False, max_length=40, help_text=_("its office id"))
    overdue = forms.TypedChoiceField(label=_("Overdue"), required=False, choices=YES_NO_ALL, coerce=_yes_no,
                                     empty_value=None)
    due_within = forms.TypedChoiceField(label=_("Falls due"), required=False, coerce=int, empty_value=None,
                                        choices=[("", _("any time")), (7, _("within a week")),
                                                 (30, _("within a month"))])

    def __init__(self, data, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["status"].choices = [("", _("all"))] + list(RequestStatus.choices)
        self.fields["topic"].choices = [("", _("all"))] + list(RequestTopic.choices)
        use_plain_selects(self)


class RequestForm(forms.Form):
    """File an information request. The office asked is typed (its office id, or its name at its level and
    place: a new name makes the office). Who asks is never asked: the request is the NGO's, or the CBO's."""

    authority = forms.CharField(label=_("Office asked"), max_length=200, help_text=_(
        "Its office id (for example OF-0606-1), or its name in Khmer or English."))
    level = forms.ChoiceField(label=_("Level of the office"), choices=_LEVELS)
    province = PlaceField(level=Place.Level.PROVINCE, label=_("Province"), required=False)
    district = PlaceField(level=Place.Level.DISTRICT, label=_("District"), required=False, parent_field="province")
    commune = PlaceField(level=Place.Level.COMMUNE, label=_("Commune"), required=False, parent_field="district")
    subject_en = forms.CharField(label=_("What is asked, in English"), required=False, max_length=500,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    subject_km = forms.CharField(label=_("What is asked, in Khmer"), required=False, max_length=500,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    topic = forms.ChoiceField(label=_("Topic"), choices=RequestTopic.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=RequestChannel.choices)
    filed_on = forms.DateField(label=_("Filed on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    on_behalf_of = forms.CharField(label=_("Filed for the CBO"), required=False, max_length=40, help_text=_(
        "Its CBO id (for example CBO-KT-001); empty for the organisation's own request."))
    public = forms.BooleanField(label=_("Show it on the public pages"), required=False)
    request_id = forms.CharField(label=_("Request id"), required=False, max_length=40,
                                 help_text=_("Left empty, Samleng gives the next one (AIR-2024-001)."))

    def __init__(self, *args, cbos, **kwargs):
        super().__init__(*args, **kwargs)
        self.cbos = cbos
        self.fields["filed_on"].initial = timezone.localdate()
        self.fields["filed_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        use_plain_selects(self)

    def clean_on_behalf_of(self):
        return cbo_typed(self.cbos, self.cleaned_data["on_behalf_of"])

    def clean(self):
        data = super().clean()
        if not (data.get("subject_en", "").strip() or data.get("subject_km", "").strip()):
            self.add_error("subject_en", _("Say what is asked, in English or in Khmer."))  # as the service says
        column = OFFICE_PLACE_FIELD.get(data.get("level"))
        data["place"] = data.get(column) if column else None
        by_id = Office.objects.filter(office_id=(data.get("authority") or "").strip()).exists()
        if column and data["place"] is None and not by_id and not self.errors.get(column):
            level = dict(_LEVELS)[data["level"]]
            self.add_error(column, _("Give the %(level)s where the office is.") % {"level": level})
        return data

    @property
    def service_arguments(self) -> dict:
        data = self.cleaned_data
        names = ("authority", "level", "place", "subject_en", "subject_km", "topic", "channel", "filed_on",
                 "on_behalf_of", "public", "request_id")
        return {name: data[name] for name in names}


class RequestEventForm(forms.Form):
    """Record what happened to a request (the rules of the clock are the service's)."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    event = forms.ChoiceField(label=_("What happened"), choices=RequestEventKind.choices)
    fee_khr = forms.IntegerField(label=_("Fee (riel)"), required=False, min_value=0,
                                 help_text=_("with a quoted fee only"))
    note = forms.CharField(label=_("Note in English"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    note_km = forms.CharField(label=_("Note in Khmer"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, events: frozenset[str] | None = None, **kwargs):
        """`events`: the kinds this user may record (the office asked: its own acts), all when None."""
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        if events is not None:
            self.fields["event"].choices = [(value, label) for value, label in RequestEventKind.choices
                                            if value in events]
        use_plain_selects(self)


class RequestFileForm(forms.Form):
    """Upload a file of a request: staff any kind, the office asked its answer and the documents."""

    kind = forms.ChoiceField(label=_("What the file is"))
    upload = DocumentField(label=_("File"))

    def __init__(self, *args, from_office: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(value, label) for value, label in RequestFileKind.choices
                                       if not (from_office and value == RequestFileKind.LETTER)]
        use_plain_selects(self)


class ConfirmFilesForm(forms.Form):
    """Staff confirm the files the office uploaded, and say whether they deliver what was asked."""

    delivered = forms.ChoiceField(label=_("The documents deliver what was asked"), required=False, choices=[
        ("delivered", _("in full")), ("partially_delivered", _("in part")), ("", _("no: confirm the files only"))])
    date = forms.DateField(label=_("Delivered on"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           help_text=_("the day the documents were received; empty: the day they were uploaded"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()
        use_plain_selects(self)
