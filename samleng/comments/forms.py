"""The public comment form, in two steps without JavaScript: the commune (typed, any spelling), then the rest."""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samleng.comments.models import Answer, AnswerStatus, Comment
from samleng.comments.receipts import LENGTH, receipt_clean
from samleng.core.i18n import local_name
from samleng.places.forms import PlaceField
from samleng.places.models import Place

#: The longest comment (characters): a page of text; 100 KB of text is refused with a message.
TEXT_MAX = 2000
#: The largest photo accepted, before it is re-encoded.
PHOTO_MAX_BYTES = 8 * 1024 * 1024
#: The honeypot: a field that people do not see (CSS) and programs that fill every field fill.
HONEYPOT = "homepage"


class CommuneForm(forms.Form):
    commune = PlaceField(level=Place.Level.COMMUNE, label=gettext_lazy("Commune or sangkat"),
                         help_text=gettext_lazy("Its name in Khmer or English (any spelling), or its code."))


class FacilityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, facility):
        return f"{local_name(facility)} ({facility.get_type_display()})"


class CommentForm(forms.Form):
    facility = FacilityChoiceField(queryset=None, widget=forms.RadioSelect, empty_label=None,
                                   label=gettext_lazy("Which place is your comment about?"),
                                   error_messages={"required": gettext_lazy("Choose the place."),
                                                   "invalid_choice": gettext_lazy(
                                                       "That place is not one of this commune's: choose one from "
                                                       "the list.")})
    category = forms.ChoiceField(choices=Comment.Category.choices, widget=forms.RadioSelect,
                                 label=gettext_lazy("What is it about?"),
                                 error_messages={"required": gettext_lazy("Choose what it is about."),
                                                 "invalid_choice": gettext_lazy(
                                                     "Choose what it is about from the list.")})
    rating = forms.TypedChoiceField(
        choices=[("", gettext_lazy("no rating"))] + [(str(n), str(n)) for n in range(1, 6)], coerce=int,
        empty_value=None, required=False, widget=forms.RadioSelect,
        label=gettext_lazy("Your rating, from 1 (very bad) to 5 (very good), if you wish"),
        # Django's own "Select a valid choice" has no Khmer and does not say what is valid.
        error_messages={"invalid_choice": gettext_lazy("A rating is a whole number from 1 to 5, or none.")})
    text = forms.CharField(
        label=gettext_lazy("Your comment"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("In Khmer or English. Do not write anyone's name or phone number: a comment that "
                               "has them waits for a moderator."),
        error_messages={"required": gettext_lazy("Write your comment."),
                        "max_length": gettext_lazy("A comment has at most %(limit_value)d characters (this one "
                                                   "has %(show_value)d).")})
    photo = forms.FileField(label=gettext_lazy("A photo, if you wish"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
                            help_text=gettext_lazy("Samleng removes where and when it was taken before storing it."))
    email = forms.EmailField(
        label=gettext_lazy("Your e-mail address, if you want to be told of the answer"), required=False,
        help_text=gettext_lazy("Only the organisation's moderators can read it, never the office. It is erased "
                               "once you are told of the answer."))
    homepage = forms.CharField(required=False, label=gettext_lazy("Leave this empty"))

    def __init__(self, *args, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities
        self.fields["homepage"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(_("Write your comment."), code="required")
        return text

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > PHOTO_MAX_BYTES:
            raise ValidationError(_("A photo can be at most %(size)s; this one is %(actual)s.") % {
                "size": filesizeformat(PHOTO_MAX_BYTES), "actual": filesizeformat(photo.size)}, code="too_large")
        return photo or None

    def clean_homepage(self):
        if self.cleaned_data.get(HONEYPOT):
            raise ValidationError(_("This form was filled in by a program, not a person. Nothing was sent."),
                                  code="honeypot")
        return ""


class FollowForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Your receipt code"), max_length=40,
                           help_text=gettext_lazy("The 12 letters and digits you were given, like 7KQ2-M9XD-4TNB."),
                           error_messages={"required": gettext_lazy("Type your receipt code.")})

    def clean_code(self):
        code = receipt_clean(self.cleaned_data["code"])
        if len(code) != LENGTH:
            raise ValidationError(_("A receipt code has 12 letters and digits."), code="invalid")
        return code


class HideForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why it is hidden (the commenter reads this)"), max_length=500,
                             error_messages={"required": gettext_lazy("Say why the comment is hidden: the "
                                                                      "commenter reads it.")})


# ---- an office's answer ----------------------------------------------------------------------------------------


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, office):
        return local_name(office) or office.office_id


class AnswerForm(forms.Form):
    """An authority's answer (given online); staff add how and when the office gave it (StaffAnswerForm)."""

    status = forms.ChoiceField(choices=AnswerStatus.choices, widget=forms.RadioSelect,
                               label=gettext_lazy("Where does the comment stand?"),
                               help_text=gettext_lazy("Fixed, unable to fix, not responsible and duplicate close "
                                                      "the comment; the others leave it open."),
                               error_messages={"required": gettext_lazy("Choose where the comment stands.")})
    text = forms.CharField(
        label=gettext_lazy("The answer, for the public"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What the office found, did or will do. Everyone reads it: name no one. An answer "
                               "that seems to name someone waits for the organisation's moderator."))
    responsible_office = OfficeChoiceField(
        queryset=None, required=False, label=gettext_lazy("If not responsible: the office that is"),
        empty_label=gettext_lazy("(choose the office)"))
    same_as = forms.IntegerField(
        label=gettext_lazy("If a duplicate: the number of the comment it repeats, if you know it"), required=False,
        min_value=1, error_messages={"invalid": gettext_lazy("A comment's number is a whole number."),
                                     "min_value": gettext_lazy("A comment's number is a whole number.")})

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_office"].queryset = offices

    def clean_same_as(self):
        number = self.cleaned_data.get("same_as")
        if number is None:
            return None
        found = Comment.objects.filter(pk=number).select_related("facility").only(
            "id", "status", "facility__answered_by_id").first()
        if found is None:
            raise ValidationError(_("No comment has the number %(number)s.") % {"number": number}, code="unknown")
        return found

    @property
    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"status": data["status"], "text": data.get("text") or "",
                "responsible_office": data.get("responsible_office"), "same_as": data.get("same_as")}


class StaffAnswerForm(AnswerForm):
    given = forms.ChoiceField(
        choices=[(v, label) for v, label in Answer.Given.choices if v != Answer.Given.ONLINE],
        widget=forms.RadioSelect, label=gettext_lazy("How did the office give this answer?"),
        error_messages={"required": gettext_lazy("Say how the office gave this answer: on paper or at a meeting.")})
    given_on = forms.DateField(label=gettext_lazy("The day the office gave it"),
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               error_messages={"required": gettext_lazy("Give the day the office answered."),
                                               "invalid": gettext_lazy("Give the day as year-month-day, for "
                                                                       "example 2026-03-15.")})

    @property
    def service_arguments(self) -> dict:
        return {**super().service_arguments, "given": self.cleaned_data["given"],
                "given_on": self.cleaned_data["given_on"]}


class RefuseAnswerForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why it is refused (the office reads this)"), max_length=500,
                             error_messages={"required": gettext_lazy("Say why the answer is refused: the office "
                                                                      "reads it.")})


class MergeForm(forms.Form):
    into = forms.IntegerField(label=gettext_lazy("Merge into comment number (the one kept)"), min_value=1,
                              error_messages={"required": gettext_lazy("Give the number of the comment kept."),
                                              "invalid": gettext_lazy("A comment's number is a whole number."),
                                              "min_value": gettext_lazy("A comment's number is a whole number.")})


class ReviewedOfficeForm(forms.Form):
    office = forms.CharField(label=gettext_lazy("Office id"), max_length=40,
                             help_text=gettext_lazy("For example OF-060603-1: its page under Offices shows it."),
                             error_messages={"required": gettext_lazy("Give the office's id.")})
