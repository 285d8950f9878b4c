"""The form of the staff page of unanswered questions: a FAQ entry written for one of them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samleng.assistant.models import FaqEntry
from samleng.core.khmer import has_khmer


class FaqFromQuestionForm(forms.Form):
    """The question (its text in its language's field, to be tidied), the answer in one language or both, and the
    topic. FaqEntry.clean says what is missing, in both languages."""

    topic = forms.ChoiceField(label=_("topic"), choices=FaqEntry.Topic.choices, initial=FaqEntry.Topic.OTHER)
    question_en = forms.CharField(label=_("question in English"), required=False, max_length=500)
    question_km = forms.CharField(label=_("question in Khmer"), required=False, max_length=500)
    answer_en = forms.CharField(label=_("answer in English"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    answer_km = forms.CharField(label=_("answer in Khmer"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, question=None, **kwargs):
        super().__init__(*args, **kwargs)
        if question is not None and not self.is_bound:
            self.initial["question_km" if has_khmer(question.text) else "question_en"] = question.text
