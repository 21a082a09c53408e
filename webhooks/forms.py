from __future__ import annotations

from typing import Any

from django import forms

from webhooks.models import Event, Webhook
from webhooks.urls_check import UnsafeUrl, check_url

EVENT_CHOICES = [(e.value, e.label) for e in Event if e != Event.PING]


class WebhookForm(forms.ModelForm):
    url = forms.URLField(
        label="URL",
        max_length=500,
        assume_scheme="https",
        help_text="Plansign posts JSON here, signed in X-Plansign-Signature.",
    )
    events = forms.MultipleChoiceField(
        choices=EVENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=[c for c, _ in EVENT_CHOICES],
    )

    class Meta:
        model = Webhook
        fields = ["url", "events", "active"]

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        try:
            check_url(url)
        except UnsafeUrl as error:
            raise forms.ValidationError(str(error)) from None
        return url

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields.pop("active")
