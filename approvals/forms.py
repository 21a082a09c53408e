from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.forms import formset_factory

from approvals.models import Signoff, SignoffRole
from approvals.services import lead_refusal
from plans.models import EDITING_ROLES, NamedVersion, Plan


class RoleForm(forms.Form):
    name = SignoffRole._meta.get_field("name").formfield(label="Role")
    assignee = forms.ModelChoiceField(
        User.objects.none(), required=False, label="Lead", empty_label="— not assigned —"
    )

    def __init__(
        self, *args: Any, plan: Plan, user: User, leads: dict[str, User | None], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.plan, self.user, self.leads = plan, user, leads
        # Leads are the team's editors: viewers and managers read sign-offs but do not sign.
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(
            memberships__team=plan.team, memberships__role__in=EDITING_ROLES
        ).order_by("username")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = (data.get("name") or "").strip()
        if name and not data.get("DELETE"):
            refusal = lead_refusal(
                self.plan, changer=self.user, lead=data.get("assignee"), was=self.leads.get(name)
            )
            if refusal:
                self.add_error("assignee", refusal)
        return data


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
    # The role's latest decision when the page was opened (0: none), so that a replayed post
    # is refused rather than recorded twice.
    seen = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class RequestForm(forms.Form):
    """Names the version sent for review; blank fields take the suggested name and summary."""

    label = NamedVersion._meta.get_field("label").formfield(required=False, label="Version name")
    summary = NamedVersion._meta.get_field("summary").formfield(required=False, label="Summary")
    major = forms.BooleanField(required=False, label="A major change (next whole number)")
