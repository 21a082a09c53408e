from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from api.models import ApiToken

EXPIRY_CHOICES = [("7", "7 days"), ("30", "30 days"), ("90", "90 days"), ("365", "1 year")]


class TokenForm(forms.ModelForm):
    expires_in = forms.TypedChoiceField(
        choices=EXPIRY_CHOICES, coerce=int, initial="30", label="Expires in"
    )

    class Meta:
        model = ApiToken
        fields = ["name", "scope"]
        help_texts = {"name": "What it is for, e.g. “release pipeline”."}
        widgets = {"scope": forms.RadioSelect}

    def expires_at(self) -> dt.datetime:
        return timezone.now() + dt.timedelta(days=self.cleaned_data["expires_in"])
