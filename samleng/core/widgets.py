"""Form widgets every app's forms share: a date picker, selects that stay fast on long lists, and a text input
that does not echo what no person could have typed."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

#: A date typed in the browser's date picker (ISO dates, whatever the page's language).
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlainSelect(forms.Select):
    """A select whose options are written in Python. Django renders each option through a template, about
    50 µs apiece: a list page's filters (210 districts, 25 provinces, ...) took most of its time."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "", '<option value="{}"{}>{}</option>',
            ((key, " selected" if str(key) == chosen else "", label)
             for key, label in ((("" if v is None else v), text) for v, text in self.choices)),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


def use_plain_selects(form: forms.BaseForm) -> None:
    """Give every plain select of `form` a PlainSelect with the same choices and attributes."""
    for field in form.fields.values():
        widget = field.widget
        if type(widget) is forms.Select:
            plain = PlainSelect(attrs=widget.attrs)
            plain.choices = widget.choices
            plain.is_required = widget.is_required
            field.widget = plain


class TypedTextInput(forms.TextInput):
    """A text input that sends back only what a person could have typed into it: a value longer than its
    maxlength, which the browser enforces, was sent by a program, and is not echoed into the page (a 2 MB
    "username" would otherwise come back as a 2 MB page). The form still says the value was too long."""

    def format_value(self, value):
        value = super().format_value(value)
        limit = self.attrs.get("maxlength")
        if value is not None and limit and len(value) > int(limit):
            return None
        return value
