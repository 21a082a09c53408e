"""The team settings a maintainer changes: the sign-off rules new plans start with, and who is
in the team at which level."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.forms import formset_factory

from plans.models import Membership, Team, validate_single_line


class TeamSettingsForm(forms.ModelForm):
    signoff_roles = forms.CharField(
        label="Sign-off roles of a new plan",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One role a line, in order: a new plan asks each of them to sign off.",
    )

    class Meta:
        model = Team
        fields = [
            "signoff_roles",
            "allow_self_signoff",
            "threads_block_approval",
            "viewers_may_comment",
        ]
        labels = {
            "allow_self_signoff": "Authors may sign off their own plans",
            "threads_block_approval": "Unresolved threads block approval",
            "viewers_may_comment": "Viewers may comment in threads",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["signoff_roles"] = "\n".join(self.instance.signoff_roles)

    def clean_signoff_roles(self) -> list[str]:
        names = [line.strip() for line in self.cleaned_data["signoff_roles"].splitlines()]
        names = [name for name in names if name]
        for name in names:
            validate_single_line(name)
            if len(name) > 100:
                raise forms.ValidationError(f"“{name[:40]}…” is longer than 100 characters.")
        if not names or len(names) > 20:
            raise forms.ValidationError("Name between 1 and 20 roles.")
        if len({n.casefold() for n in names}) != len(names):
            raise forms.ValidationError("Each role must have its own name.")
        return names


class MemberForm(forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(
        choices=Membership.Role.choices,
        label="Level",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    remove = forms.BooleanField(required=False, label="Remove")


MemberFormSet = formset_factory(MemberForm, extra=0, max_num=1000, absolute_max=1000)


class AddMemberForm(forms.Form):
    username = forms.CharField(label="Add a person (user name)", max_length=150, required=False)
    role = forms.ChoiceField(
        choices=Membership.Role.choices, initial=Membership.Role.EDITOR, label="Level"
    )

    def clean_username(self) -> Any:
        name = self.cleaned_data["username"].strip()
        if not name:
            return None
        user = get_user_model().objects.filter(username__iexact=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(f"Nobody is called “{name}” here.")
        return user
