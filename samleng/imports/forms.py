from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

#: What the upload page takes: a workbook, or a .zip of .csv files (a folder cannot be uploaded).
ACCEPTED = (".xlsx", ".zip")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Programme workbook"),
        help_text=_("An .xlsx workbook, or a .zip of .csv files named after the sheets."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED)}),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if Path(file.name).suffix.lower() not in ACCEPTED:
            raise forms.ValidationError(_("Upload an .xlsx workbook or a .zip of .csv files."))
        return file
