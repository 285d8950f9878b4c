"""The place picker: a text field resolved on the server, with candidates in its errors."""

import pytest
from django import forms
from django.utils import translation

from samleng.conftest import place
from samleng.places.forms import PlaceField
from samleng.places.models import Place


class LocationForm(forms.Form):
    province = PlaceField(level=Place.Level.PROVINCE)
    district = PlaceField(level=Place.Level.DISTRICT, parent_field="province")
    commune = PlaceField(level=Place.Level.COMMUNE, parent_field="district", required=False)
    village = PlaceField(level=Place.Level.VILLAGE, parent_field="province", required=False)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_names_and_codes_clean_to_places(db):
    form = LocationForm(data={"province": "Kompong Thom", "district": "0606", "commune": "Kleng"})
    assert form.is_valid(), form.errors
    assert [form.cleaned_data[f].code for f in ("province", "district", "commune")] == ["06", "0606", "060603"]
    assert form.cleaned_data["village"] is None


def test_khmer_names_and_digits(db):
    form = LocationForm(data={"province": "ខេត្តកំពង់ធំ", "district": "០៦០៦", "commune": "ក្លែង"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["commune"].code == "060603"


def test_the_parent_field_narrows_the_place(db):
    in_sandan = LocationForm(data={"province": "06", "district": "Sandan", "commune": "Sandan"})
    assert in_sandan.is_valid(), in_sandan.errors
    assert in_sandan.cleaned_data["commune"].code == "060607"
    in_kratie = LocationForm(data={"province": "Kratie", "district": "Sambour", "commune": "Sandan"})
    assert in_kratie.is_valid(), in_kratie.errors
    assert in_kratie.cleaned_data["commune"].code == "100408"


def test_an_ambiguous_name_lists_the_candidates(db):
    field = PlaceField(level=Place.Level.COMMUNE)
    with pytest.raises(forms.ValidationError) as error:
        field.clean("Sandan")
    assert error.value.code == "ambiguous"
    message = error.value.messages[0]
    assert "Did you mean: Sandan (060607), Sandan, Kampong Thom; Sandan (100408), Sambour, Kratie?" in message


def test_many_candidates_are_cut_short(db):
    form = LocationForm(data={"province": "Kampong Thom", "district": "Sandan", "village": "Thmei"})
    assert form.is_valid() is False
    message = form.errors["village"][0]
    assert message.startswith("“Thmei” matches more than one village. Did you mean: Thmei (")
    assert "more?" in message and "Kampong Thom" in message


def test_no_match_in_the_parent_says_where_it_looked(db):
    form = LocationForm(data={"province": "Kratie", "district": "Sandan"})
    assert not form.is_valid()
    assert form.errors["district"] == ["No district called “Sandan” in Kratie. Type its name or its code."]


def test_no_match_suggests_what_the_search_finds(db):
    form = LocationForm(data={"province": "Kampong Thom", "district": "Sandan", "commune": "Klaen"})
    assert form.is_valid()  # "Klaen" is close enough to Klaeng
    form = LocationForm(data={"province": "Kampong Thom", "district": "Sandan", "commune": "Klxxng"})
    assert not form.is_valid()
    assert form.errors["commune"] == [
        "No commune called “Klxxng” in Sandan. Did you mean: Klaeng (060603), Sandan, Kampong Thom?"]


def test_an_unknown_name_without_suggestions(db):
    form = LocationForm(data={"province": "Atlantis", "district": "x"})
    assert not form.is_valid()
    assert form.errors["province"] == ["No province called “Atlantis”. Type its name or its code."]


def test_an_invalid_parent_does_not_hide_the_place(db):
    # The province is wrong; the district is looked for in the whole country and found.
    form = LocationForm(data={"province": "Atlantis", "district": "Sandan"})
    assert not form.is_valid()
    assert "district" not in form.errors


def test_required_and_empty(db):
    form = LocationForm(data={"province": "", "district": "Sandan"})
    assert form.errors["province"] == ["Type a name or a code."]


def test_errors_show_khmer_names_on_khmer_pages(db):
    field = PlaceField(level=Place.Level.COMMUNE)
    with translation.override("km"), pytest.raises(forms.ValidationError) as error:
        field.clean("Sandan")
    assert "សណ្ដាន់ (060607), សណ្ដាន់, កំពង់ធំ" in error.value.messages[0]


def test_a_place_shows_as_name_and_code_and_resubmits_unchanged(db):
    klaeng = place("060603")

    class CommuneForm(forms.Form):
        commune = PlaceField(level=Place.Level.COMMUNE)

    unbound = CommuneForm(initial={"commune": klaeng})
    assert 'value="Klaeng (060603)"' in str(unbound["commune"])
    by_id = CommuneForm(initial={"commune": klaeng.pk})  # what a ModelForm gives
    assert 'value="Klaeng (060603)"' in str(by_id["commune"])
    resubmitted = CommuneForm(data={"commune": "Klaeng (060603)"}, initial={"commune": klaeng.pk})
    assert resubmitted.is_valid() and resubmitted.cleaned_data["commune"] == klaeng
    assert not resubmitted.has_changed()
    changed = CommuneForm(data={"commune": "060607"}, initial={"commune": klaeng.pk})
    assert changed.has_changed()


def test_a_disabled_field_keeps_its_initial_place(db):
    class CommuneForm(forms.Form):
        commune = PlaceField(level=Place.Level.COMMUNE, disabled=True)

    form = CommuneForm(data={"commune": "Sandan"}, initial={"commune": place("060603").pk})
    assert form.is_valid() and form.cleaned_data["commune"].code == "060603"


def test_the_widget_is_a_plain_text_input(db):
    html = str(LocationForm()["commune"])
    assert 'type="text"' in html and "<script" not in html
