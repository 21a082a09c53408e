from __future__ import annotations

from typing import Any

from django import forms

from notifications.models import Notification, NotificationPreference


class PreferenceForm(forms.Form):
    email = forms.MultipleChoiceField(
        label="E-mail me when…",
        choices=Notification.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Everything also appears in your inbox, whatever you choose here.",
    )

    def __init__(self, *args: Any, preference: NotificationPreference | None, **kwargs: Any):
        off = preference.email_off if preference is not None else []
        super().__init__(*args, **kwargs)
        self.initial["email"] = [kind for kind in Notification.Kind.values if kind not in off]
