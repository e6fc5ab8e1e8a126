"""The date range of the indicators, their exports and the classified view: whole months.

Bad input is answered with a clear message and a 400, and nothing is computed from it."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deliberation.selectors.indicators import MONTHS, month_list, months_between

#: The longest range one page draws (two years of months).
MAX_MONTHS = 24
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.CharField):
    """A month written as ``YYYY-MM`` (what ``<input type="month">`` sends)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, max_length=7, strip=True, **kwargs)
        self.widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-06"})

    def clean(self, value: Any) -> date | None:  # type: ignore[override]
        text = super().clean(value)
        if not text:
            return None
        match = MONTH.match(text)
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
            raise forms.ValidationError(
                _("Enter a month as year-month, for example 2026-06."), code="month"
            )
        return date(int(match.group(1)), int(match.group(2)), 1)


class RangeForm(forms.Form):
    start = MonthField(label=_("From (month)"))
    end = MonthField(label=_("To (month)"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        current = date(timezone.localdate().year, timezone.localdate().month, 1)
        end = data.get("end") or current
        start = data.get("start") or month_list(end, MONTHS)[0]
        if end > current:
            raise forms.ValidationError(_("The last month cannot be in the future."))
        if start > end:
            raise forms.ValidationError(_("The first month must not be after the last."))
        if len(months_between(start, end)) > MAX_MONTHS:
            raise forms.ValidationError(
                _("Choose at most %(n)d months.") % {"n": MAX_MONTHS}, code="too_long"
            )
        data["first"], data["last"] = start, end
        return data

    def shown(self) -> RangeForm:
        """The form as the page draws it: the months in force filled in (a valid request
        may have left them out and got the defaults)."""
        first, last = self.cleaned_data["first"], self.cleaned_data["last"]
        return RangeForm({"start": f"{first:%Y-%m}", "end": f"{last:%Y-%m}"})

    def message(self) -> str:
        """Every error in one sentence, for the page and for an export refused."""
        texts = [str(m) for field in self.errors.values() for m in field]
        return " ".join(dict.fromkeys(texts))
