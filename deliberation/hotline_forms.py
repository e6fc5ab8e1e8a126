"""Forms of the 12345 hotline import: the upload, and the confirmation of a checked file."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Hotline export (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class ConfirmImportForm(forms.Form):
    """Nothing to fill in. Having a form makes the importer's task list send them to the
    preview, where they see the row-by-row check before importing and where the progress
    bar then runs, instead of confirming blind with one tap from the list."""
