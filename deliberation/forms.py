from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from deliberation.models import Announcement, Organization
from deliberation.user_text import UserTextModelForm


class AnnouncementForm(UserTextModelForm):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("post as"), empty_label=None
    )

    class Meta:
        model = Announcement
        fields = ["organization", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: object, organizations: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
