"""Forms of the results pages. They read and shape input only: the rules live in services.py (which raise
ValidationError by field name, the field names here being the services' keyword arguments) and in the
computation catalogue, whose bilingual errors are shown in the page's language."""

import copy
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from samleng.core.i18n import local_text
from samleng.core.khmer import to_latin_digits
from samleng.core.templatetags.samleng import digits
from samleng.core.widgets import use_plain_selects
from samleng.results.computations import ComputationError, computation_check
from samleng.results.models import Indicator
from samleng.results.rules import fraction_fits, years_in_order

#: The fields of an indicator an M&E officer changes here (the code, unit and computation come from the
#: programme workbook).
INDICATOR_FIELDS = ["statement_en", "statement_km", "baseline", "baseline_year", "baseline_numerator",
                    "baseline_denominator", "target", "target_year", "direction", "cumulative",
                    "means_of_verification"]

_TEXT = forms.Textarea(attrs={"rows": 3})


class _LatinDigits:
    """Accept numbers typed with Khmer digits (០-៩), as a Khmer keyboard gives them."""

    def to_python(self, value):
        return super().to_python(to_latin_digits(value) if isinstance(value, str) else value)


class NumberField(_LatinDigits, forms.DecimalField):
    # A text box: a browser's number box refuses Khmer digits.
    widget = forms.TextInput(attrs={"inputmode": "decimal"})


class WholeNumberField(_LatinDigits, forms.IntegerField):
    widget = forms.TextInput(attrs={"inputmode": "numeric"})




def computation_message(error: ComputationError) -> str:
    """A catalogue error in the page's language."""
    return local_text(error.message_km, error.message_en)


def parameters_text(parameters: dict) -> str:
    """Parameters as the workbook writes them: `key=value` pairs separated by `;`, lists with commas."""
    def shown(value) -> str:
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list | tuple):
            return ",".join(str(item) for item in value)
        return str(value)
    return "; ".join(f"{key}={shown(value)}" for key, value in parameters.items())


def _check_fraction(form: forms.Form, numerator_field: str, denominator_field: str) -> None:
    """A numerator needs its denominator, and cannot exceed it."""
    numerator = form.cleaned_data.get(numerator_field)
    denominator = form.cleaned_data.get(denominator_field)
    if numerator is not None and denominator is None:
        form.add_error(denominator_field, _("Give the denominator with the numerator."))
    elif numerator is None and denominator is not None:
        form.add_error(numerator_field, _("Give the numerator with the denominator."))
    elif not fraction_fits(numerator, denominator):
        form.add_error(numerator_field, _("The numerator cannot be larger than the denominator."))


class IndicatorForm(forms.ModelForm):
    """An indicator's definition. It works on a copy of the indicator: a ModelForm writes the input onto
    its instance while validating, and the service must still see the old values to audit what changed."""

    parameters = forms.CharField(
        label=_("Parameters"), required=False, max_length=1000,
        help_text=_("key=value pairs separated by ; as in the programme workbook, e.g. count_partly=yes"),
    )

    class Meta:
        model = Indicator
        fields = INDICATOR_FIELDS
        widgets = {"statement_en": _TEXT, "statement_km": _TEXT, "means_of_verification": _TEXT}
        field_classes = {"baseline": NumberField, "target": NumberField, "baseline_year": WholeNumberField,
                         "target_year": WholeNumberField, "baseline_numerator": WholeNumberField,
                         "baseline_denominator": WholeNumberField}

    def __init__(self, data=None, *, indicator: Indicator):
        self.indicator = indicator
        super().__init__(data, instance=copy.copy(indicator),
                         initial={"parameters": parameters_text(indicator.parameters or {})})
        if not indicator.is_computed:
            del self.fields["parameters"]  # entered by hand: nothing to compute with
        use_plain_selects(self)

    def clean_parameters(self) -> dict:
        try:
            return computation_check(self.indicator.computation, self.cleaned_data["parameters"],
                                     self.indicator.unit)
        except ComputationError as error:
            raise ValidationError(computation_message(error)) from error

    def clean(self):
        data = super().clean()
        _check_fraction(self, "baseline_numerator", "baseline_denominator")
        baseline_year, target_year = data.get("baseline_year"), data.get("target_year")
        if not years_in_order(baseline_year, target_year):
            self.add_error("target_year", _("The target year cannot come before the baseline year."))
        return data

    @property
    def changes(self) -> dict:
        """The keyword arguments of services.indicator_update."""
        return {name: self.cleaned_data[name] for name in self.fields}


class ManualValueForm(forms.Form):
    """A value entered by hand, for an indicator without a computation, with the evidence behind it."""

    value = NumberField(label=_("Value"), max_digits=14, decimal_places=4, min_value=Decimal(0))
    numerator = WholeNumberField(label=_("Numerator"), required=False, min_value=0)
    denominator = WholeNumberField(label=_("Denominator"), required=False, min_value=1)
    evidence = forms.CharField(label=_("Evidence"), widget=_TEXT,
                               help_text=_("Where the figure comes from: a survey, a document, a link."))

    def clean(self):
        data = super().clean()
        _check_fraction(self, "numerator", "denominator")
        return data


def _parts(text: str) -> dict[str, int]:
    """ "solved=9; partly_solved=30" -> {"solved": 9, "partly_solved": 30} (Khmer digits accepted)."""
    parts = {}
    for pair in filter(None, (piece.strip() for piece in text.split(";"))):
        key, sign, number = pair.partition("=")
        number = to_latin_digits(number).strip().replace(",", "")
        if not sign or not key.strip() or not number.isdigit():
            raise ValidationError(_("Write each part as name=number, separated by ; (for example solved=9)."))
        parts[key.strip()] = int(number)
    return parts


class ReportedValueForm(forms.Form):
    """A figure as a past report printed it, to hold against the computed one."""

    value = NumberField(label=_("Value"), max_digits=14, decimal_places=4)
    decimals = WholeNumberField(label=_("Decimals printed"), initial=0,
                                  validators=[MinValueValidator(0), MaxValueValidator(4)],
                                  help_text=_("The difference is judged after rounding to this many decimals."))
    numerator = WholeNumberField(label=_("Numerator"), required=False, min_value=0)
    denominator = WholeNumberField(label=_("Denominator"), required=False, min_value=0)
    breakdown = forms.CharField(label=_("Parts"), required=False, max_length=1000,
                                help_text=_("As the report printed them, e.g. solved=9; partly_solved=30"))
    narrative = forms.CharField(label=_("What the report said"), required=False, widget=_TEXT)

    def clean_breakdown(self) -> dict[str, int]:
        return _parts(self.cleaned_data["breakdown"])

    def clean(self):
        data = super().clean()
        _check_fraction(self, "numerator", "denominator")
        return data


class NarrativeForm(forms.Form):
    """The narrative of an indicator for a year; each save is a new version."""

    text_en = forms.CharField(label=_("Narrative in English"), required=False, widget=forms.Textarea(attrs={"rows": 8}))
    text_km = forms.CharField(label=_("Narrative in Khmer"), required=False, widget=forms.Textarea(attrs={"rows": 8}))

    def clean(self):
        data = super().clean()
        if not (data.get("text_en", "").strip() or data.get("text_km", "").strip()):
            raise ValidationError(_("Write the narrative in English, in Khmer or in both."))
        return data


class ReportCreateForm(forms.Form):
    """The year a new draft report covers: one of the programme's years."""

    period = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, data=None, *, years):
        super().__init__(data)
        self.fields["period"].choices = [(year, digits(year)) for year in years]
        use_plain_selects(self)
