"""core.related: an app adds blocks to another app's page, and fields to its forms, without that app
importing it; the see_also tag shows the blocks, each with its own partial, escaped as any template is."""

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.test import override_settings

from samleng.core import related
from samleng.core.models import AuditEntry
from samleng.core.related import Block, FormPart, WithParts

KIND = "core.auditentry"  # any model will do: the registry knows kinds by label

_PARTIALS = {
    "test/_note.html": "<p>{{ note }}</p>",
    "test/_count.html": "{{ n|num }}",
}
_TEMPLATES = [{
    **settings.TEMPLATES[0],
    "APP_DIRS": False,
    "OPTIONS": {**settings.TEMPLATES[0]["OPTIONS"], "loaders": [("django.template.loaders.locmem.Loader", _PARTIALS)]},
}]


def notes(user, obj):
    return [Block("test/_note.html", {"note": f"seen by {user}"}, kind="note")]


def counts(user, obj):
    return [Block("test/_count.html", {"n": 1200}, date=None, record=("core.auditentry", 7))]


@pytest.fixture
def registered():
    related.register(KIND, notes)
    related.register(KIND, counts)
    yield
    related.unregister(KIND, notes)
    related.unregister(KIND, counts)


def test_blocks_come_from_every_provider_in_order_once_each(registered):
    related.register(KIND, notes)  # again (AppConfig.ready may run twice): replaces, does not add
    blocks = related.blocks_for("Sokha", AuditEntry())
    assert [b.kind for b in blocks] == ["note", ""] and blocks[0].context == {"note": "seen by Sokha"}
    assert blocks[1].record == ("core.auditentry", 7)
    related.unregister(KIND, counts)
    assert len(related.blocks_for("Sokha", AuditEntry())) == 1


def test_a_kind_nobody_fills_has_no_blocks():
    assert related.blocks_for(None, AuditEntry()) == []
    assert related.kind_of(AuditEntry()) == KIND


@override_settings(TEMPLATES=_TEMPLATES)
def test_see_also_renders_each_block_with_its_partial_escaped(registered):
    blocks = related.blocks_for("<b>Sokha</b>", AuditEntry())
    page = Template("[{% see_also blocks %}][{% see_also one %}][{% see_also none %}]")
    html = page.render(Context({"blocks": blocks, "one": blocks[1], "none": []}))
    assert html == "[<p>seen by &lt;b&gt;Sokha&lt;/b&gt;</p>1,200][1,200][]"


class Colour(FormPart):
    def __init__(self, parent):
        self.fields = {"colour": forms.CharField(required=False)}
        self.saved = []

    def save(self, *, user, record, data):
        self.saved.append((user, record, data))


def colour_part(user, parent):
    return Colour(parent) if parent != "plain" else None


class NoteForm(WithParts, forms.Form):
    day = forms.CharField()
    note = forms.CharField()

    def __init__(self, *args, parent, **kwargs):
        super().__init__(*args, **kwargs)
        added = self.add_parts(KIND, user="Sokha", parent=parent)
        self.order_fields(["day", *added, "note"])


def test_form_parts_add_fields_and_get_their_values_once_the_record_is_saved():
    related.register_form_part(KIND, colour_part)
    try:
        form = NoteForm({"day": "Monday", "note": "rain", "colour": "green"}, parent="issue")
        assert list(form.fields) == ["day", "colour", "note"]
        assert form.is_valid() and form.own_data == {"day": "Monday", "note": "rain"}
        form.save_parts(user="Sokha", record="the note")
        assert form.parts[0].saved == [("Sokha", "the note", {"colour": "green"})]
        plain = NoteForm({"day": "Monday", "note": "rain"}, parent="plain")  # a factory may add nothing
        assert list(plain.fields) == ["day", "note"] and plain.parts == []
    finally:
        related.unregister(KIND, colour_part)
    assert list(NoteForm(parent="issue").fields) == ["day", "note"]
