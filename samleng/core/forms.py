"""What every app's forms share."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

#: Uploaded documents and photos: kinds people open, nothing a browser would run; stored through
#: core.images.file_without_metadata.
DOCUMENT_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "webp", "doc", "docx", "odt", "xls", "xlsx", "ods", "txt"]
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


class DocumentField(forms.FileField):
    """A document or a photo, up to 10 MB."""

    default_validators = [FileExtensionValidator(DOCUMENT_EXTENSIONS)]

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("A document or a photo, up to 10 MB."))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload.size > DOCUMENT_MAX_BYTES:
            raise ValidationError(_("The file is larger than 10 MB."), code="too_big")
        return upload


class SearchField(forms.CharField):
    """The words a list is searched by (`q`): 200 characters at most, said in the reader's language (Django's
    Khmer catalogue has no Khmer for its own message)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("error_messages", {"max_length": _(
            "A search has at most %(limit_value)d characters (this one has %(show_value)d).")})
        super().__init__(required=False, max_length=200, **kwargs)


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where the form has that field, on top of the
    form otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
