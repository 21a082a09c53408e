from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.forms import formset_factory

from approvals.models import Signoff
from plans.models import Membership, Plan


class RoleForm(forms.Form):
    name = forms.CharField(max_length=100, label="Role")
    assignee = forms.ModelChoiceField(
        User.objects.none(), required=False, label="Lead", empty_label="— not assigned —"
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Leads are the team's editors: viewers and managers read sign-offs but do not sign.
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(
            memberships__team=plan.team, memberships__role=Membership.Role.EDITOR
        ).order_by("username")


RoleFormSet = formset_factory(
    RoleForm, extra=1, can_delete=True, max_num=20, validate_max=True, absolute_max=20
)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Signoff.Decision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you request changes.",
    )
    password = forms.CharField(
        strip=False,  # a password is exactly what was typed, as in Django's own auth forms
        widget=forms.PasswordInput,
        label="Your password",
        help_text="Signing needs your password again.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
