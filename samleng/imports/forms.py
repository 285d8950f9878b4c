from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

#: What the upload page takes: a workbook, or a .zip of .csv files (a folder cannot be uploaded).
ACCEPTED = (".xlsx", ".zip")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Workbook"),
        help_text=_("A programme workbook or a budget workbook: an .xlsx file, or a .zip of .csv files named after "
                    "the sheets."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED)}),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if Path(file.name).suffix.lower() not in ACCEPTED:
            raise forms.ValidationError(_("Upload an .xlsx workbook or a .zip of .csv files."))
        if file.size > settings.SAMLENG_IMPORT_MAX_UPLOAD_MB * 1024 * 1024:  # when the upload handler was not used
            raise forms.ValidationError(_("The file is larger than %(size)s MB.") % {
                "size": settings.SAMLENG_IMPORT_MAX_UPLOAD_MB})
        return file
