from __future__ import annotations

from django import forms

from plans.sections import SECTIONS
from threads.services import BODY_LENGTH


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=BODY_LENGTH,
        error_messages={"required": "Write a comment first."},
        help_text="Markdown. Mention a team member with @ and their user name.",
    )
    # The plan version the writer read: what the comment is about.
    version = forms.IntegerField(min_value=1, required=False)


class ThreadForm(CommentForm):
    section = forms.ChoiceField(choices=[(s.key, s.title) for s in SECTIONS if s.editable])
    row = forms.IntegerField(min_value=1, required=False)
