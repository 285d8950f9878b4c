"""Forms of the stories' staff pages. They read and shape input only: the rules live in services.py, which raise
ValidationError by field name (the field names here are the services' keyword arguments)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samleng.core.widgets import DATE_INPUT
from samleng.places.forms import PlaceField
from samleng.places.models import Place
from samleng.stories.models import ConsentMethod, LinkType

#: The largest photo accepted, before it is re-encoded.
PHOTO_MAX_BYTES = 10 * 1024 * 1024


class StoryForm(forms.Form):
    """A story's texts (either language), day, place, public flag and annex choice. The place is typed (a name
    or a code) and looked for within the place above it."""

    story_id = forms.CharField(label=_("story id"), max_length=40)
    title_km = forms.CharField(label=_("title in Khmer"), max_length=300, required=False)
    title_en = forms.CharField(label=_("title in English"), max_length=300, required=False)
    text_km = forms.CharField(label=_("text in Khmer"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    text_en = forms.CharField(label=_("text in English"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    told_on = forms.DateField(label=_("told on"), widget=DATE_INPUT)
    province = PlaceField(level=Place.Level.PROVINCE, label=_("Province"), required=False)
    district = PlaceField(level=Place.Level.DISTRICT, parent_field="province", label=_("District"), required=False)
    commune = PlaceField(level=Place.Level.COMMUNE, parent_field="district", label=_("Commune"), required=False)
    public = forms.BooleanField(label=_("public"), required=False, help_text=_(
        "Shown on the public pages once every person it names has consented and the CBOs and issues it tells about "
        "are public."))
    in_report = forms.BooleanField(label=_("in the donor report's annex"), required=False, help_text=_(
        "In the annex of the donor report of the year it was told (people it names must consent to reports)."))

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["story_id"].disabled = True

    @property
    def story_values(self) -> dict:
        data = self.cleaned_data
        place = data.get("commune") or data.get("district") or data.get("province")
        return {name: data[name] for name in ("title_en", "title_km", "text_en", "text_km", "told_on", "public",
                                              "in_report")} | {"place": place}


def place_initial(place) -> dict:
    """The province, district and commune fields of a stored place."""
    found = {}
    columns = {Place.Level.PROVINCE: "province", Place.Level.DISTRICT: "district", Place.Level.COMMUNE: "commune"}
    while place is not None:
        if place.level in columns:
            found[columns[place.level]] = place.code
        place = place.parent
    return found


class _ConsentFields(forms.Form):
    given_by = forms.CharField(label=_("given by"), max_length=200, required=False,
                               help_text=_("The person, or for a child a parent or guardian."))
    given_on = forms.DateField(label=_("given on"), widget=DATE_INPUT)
    method = forms.ChoiceField(label=_("how"), choices=ConsentMethod.choices)
    for_public = forms.BooleanField(label=_("for the public pages"), required=False)
    for_reports = forms.BooleanField(label=_("for donor reports"), required=False)
    note = forms.CharField(label=_("note"), max_length=500, required=False)


class PhotoForm(_ConsentFields):
    """A photo and the consent behind it: who gave it, when, how, for what."""

    image = forms.FileField(label=_("photo"), help_text=_("JPEG, PNG or WebP, up to 10 MB. Its metadata (place, "
                                                          "camera, time) is removed."))
    caption_km = forms.CharField(label=_("caption in Khmer"), max_length=300, required=False)
    caption_en = forms.CharField(label=_("caption in English"), max_length=300, required=False)
    field_order = ["image", "caption_km", "caption_en", "given_by", "given_on", "method", "for_public",
                   "for_reports", "note"]

    def clean_image(self):
        image = self.cleaned_data["image"]
        if image.size > PHOTO_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."), code="too_big")
        return image


class PersonForm(_ConsentFields):
    """A person the story names, and their consent."""

    person = forms.CharField(label=_("person named"), max_length=200, help_text=_("The name as the story writes it."))
    field_order = ["person", "given_by", "given_on", "method", "for_public", "for_reports", "note"]


class WithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("withdrawn on"), widget=DATE_INPUT)


class LinkForm(forms.Form):
    link_type = forms.ChoiceField(label=_("tells about"), choices=LinkType.choices)
    target = forms.CharField(label=_("id"), max_length=60, help_text=_(
        "A cbo_id, an issue_id, an event_id, a plan_id, a joint_plan_id, a resource_id or a budget project's id."))
