"""Workflows of threads: start one, reply, edit or delete one's comment, resolve, reopen.

Each runs in a transaction, asks threads.rules who may, and raises ThreadRefused with the
message to show when not. Comments are Markdown, rendered and sanitized by the `markdown`
template filter only."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.services import notify
from plans.content import ROW_MODELS
from plans.models import Membership, Plan
from plans.recording import fit
from plans.sections import SECTIONS_BY_KEY
from threads import rules
from threads.models import Comment, Thread
from webhooks.models import Event
from webhooks.services import emit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

BODY_LENGTH: int = Comment._meta.get_field("body").max_length or 10_000
COMMENT_IN_MAIL = 1_000  # characters of a comment quoted in a notification's mail
ROW_LABEL_LENGTH: int = Thread._meta.get_field("row_label").max_length or 500

# Refusals about who the user is (403); the others are about the thread's state (422).
FORBIDDEN = {rules.READ_ONLY, rules.NOT_YOURS_TO_RESOLVE, rules.NOT_YOUR_COMMENT}

# "@alice" or "@a.lee": a Django user name after an @ that does not end a word or an address.
_MENTION = re.compile(r"(?<![\w.@+-])@([\w.@+-]+)")


class ThreadRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.status = 403 if message in FORBIDDEN else 422


def _refuse_if(message: str | None) -> None:
    if message is not None:
        raise ThreadRefused(message)


def _fresh(plan: Plan) -> Plan:
    """The plan as it is now, locked until the transaction ends: whether it was archived, its
    version. Threads of one plan change one at a time, and never while a save writes it."""
    locked = Plan.objects.select_for_update().only("archived_at", "version").get(pk=plan.pk)
    plan.archived_at, plan.version = locked.archived_at, locked.version
    return plan


def _version(plan: Plan, read_version: int | None) -> int:
    """The version the writer read (what the comment is about), if the form told, else the
    current one."""
    if read_version is not None and 1 <= read_version <= plan.version:
        return read_version
    return plan.version


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ThreadRefused("Write a comment first.")
    if len(body) > BODY_LENGTH:
        raise ThreadRefused(f"A comment holds at most {BODY_LENGTH:,} characters.")
    return body


def row_anchor(plan: Plan, section_key: str, row_id: int) -> tuple[str, str]:
    """The row's model label and its text, if it is a live row of that section."""
    section = SECTIONS_BY_KEY[section_key]
    if not section.rows:
        raise ThreadRefused(f"{section.title} has no rows: comment on the section.")
    model = ROW_MODELS[section.rows[0]]
    row = model._default_manager.filter(plan_id=plan.pk, pk=row_id).first()
    if row is None:
        raise ThreadRefused(f"That row is no longer in {section.title}: reload the plan.")
    return model._meta.label_lower, fit(str(row), ROW_LABEL_LENGTH) or f"row {row_id}"


@transaction.atomic
def start_thread(
    *,
    plan: Plan,
    user: User,
    section_key: str,
    body: str,
    row_id: int | None = None,
    read_version: int | None = None,
) -> Thread:
    """Open a thread on a section, or on one row of it, with its first comment."""
    rights = rules.rights_for(_fresh(plan), user)
    _refuse_if(rights.comment_refusal())
    section = SECTIONS_BY_KEY.get(section_key)
    if section is None or not section.editable:
        raise ThreadRefused("Choose a section of the plan to comment on.")
    body = _clean_body(body)
    row_model, row_label = row_anchor(plan, section_key, row_id) if row_id is not None else ("", "")
    version, now = _version(plan, read_version), timezone.now()
    thread = Thread(
        plan=plan,
        section_key=section.key,
        row_model=row_model,
        row_id=row_id,
        row_label=row_label,
        version=version,
        commented_version=version,
        created_by=user,
        created_at=now,
    )
    thread._history_user = user
    thread.save()
    comment = _add_comment(thread, user, body, version, now)
    _tell_mentioned(thread, comment, _mentioned(plan, body, user))
    _emit_thread(Event.THREAD_OPENED, thread, user)
    return thread


def _emit_thread(event: str, thread: Thread, user: User) -> None:
    data = {"thread": thread.pk, "section": thread.section_key, "about": thread.about}
    emit(event=event, plan=thread.plan, actor=user, data=data)


@transaction.atomic
def reply(*, thread: Thread, user: User, body: str, read_version: int | None = None) -> Comment:
    thread = _locked(thread)
    rights = rules.rights_for(_fresh(thread.plan), user)
    _refuse_if(rights.comment_refusal())
    _refuse_if(rules.RESOLVED if thread.is_resolved else None)
    body = _clean_body(body)
    version = _version(thread.plan, read_version)
    comment = _add_comment(thread, user, body, version, timezone.now())
    thread.commented_version = max(thread.commented_version, version)
    thread._history_user = user
    thread.save(update_fields=["commented_version"])
    mentioned = _mentioned(thread.plan, body, user)
    _tell_mentioned(thread, comment, mentioned)
    others = {c.author for c in thread.comments.select_related("author")} | {thread.created_by}
    _tell(
        recipients=[p for p in others if p not in mentioned and p != user],
        kind="reply",
        thread=thread,
        comment=comment,
        text=f"{_name(user)} replied in the thread on {thread.about}",
    )
    return comment


@transaction.atomic
def edit_comment(*, comment: Comment, user: User, body: str) -> Comment:
    comment = Comment.objects.select_for_update().select_related("thread__plan").get(pk=comment.pk)
    rights = rules.rights_for(_fresh(comment.thread.plan), user)
    _refuse_if(rights.change_refusal(comment, comment.thread))
    before = set(_mentioned(comment.thread.plan, comment.body, user))
    comment.edit(_clean_body(body), user)
    newly = [p for p in _mentioned(comment.thread.plan, comment.body, user) if p not in before]
    _tell_mentioned(comment.thread, comment, newly)
    return comment


@transaction.atomic
def delete_comment(*, comment: Comment, user: User) -> Comment:
    """The comment's text goes (its history keeps it); the thread says "comment deleted"."""
    comment = Comment.objects.select_for_update().select_related("thread__plan").get(pk=comment.pk)
    rights = rules.rights_for(_fresh(comment.thread.plan), user)
    _refuse_if(rights.change_refusal(comment, comment.thread))
    comment.delete_text(user)
    return comment


@transaction.atomic
def resolve_thread(*, thread: Thread, user: User) -> Thread:
    thread = _locked(thread)
    rights = rules.rights_for(_fresh(thread.plan), user)
    _refuse_if(rights.resolve_refusal(thread))
    _refuse_if("This thread is resolved already." if thread.is_resolved else None)
    thread.resolve(user)
    _emit_thread(Event.THREAD_RESOLVED, thread, user)
    return thread


@transaction.atomic
def reopen_thread(*, thread: Thread, user: User) -> Thread:
    thread = _locked(thread)
    rights = rules.rights_for(_fresh(thread.plan), user)
    _refuse_if(rights.resolve_refusal(thread))
    _refuse_if("This thread is open already." if not thread.is_resolved else None)
    thread.reopen(user)
    return thread


@transaction.atomic
def open_decision_thread(*, plan: Plan, user: User, body: str, version: int) -> Thread:
    """A lead's request for changes, as a thread on the Approval section: the discussion of what
    must change happens there, and (as any thread) it blocks approval until resolved. The
    decision service has checked the lead; this adds no rule of its own."""
    now = timezone.now()
    thread = Thread(
        plan=plan,
        section_key="approval",
        version=version,
        commented_version=version,
        created_by=user,
        created_at=now,
    )
    thread._history_user = user
    thread.save()
    comment = _add_comment(thread, user, _clean_body(body), version, now)
    _tell_mentioned(thread, comment, _mentioned(plan, body, user))
    _emit_thread(Event.THREAD_OPENED, thread, user)
    return thread


def settle_decision_threads(*, plan: Plan, user: User) -> None:
    """A lead who approves settles the changes they had asked for: their open decision threads
    are resolved, by them (and stay readable, as any resolved thread)."""
    threads = Thread.objects.filter(plan=plan, section_key="approval", created_by=user)
    for thread in threads.unresolved().select_for_update():
        thread.resolve(user)
        _emit_thread(Event.THREAD_RESOLVED, thread, user)


def _locked(thread: Thread) -> Thread:
    """The thread as it is now (a double click resolves once), with the plan the caller read."""
    locked = Thread.objects.select_for_update().get(pk=thread.pk)
    locked.plan = thread.plan
    return locked


def _add_comment(thread: Thread, user: User, body: str, version: int, now: datetime) -> Comment:
    comment = Comment(
        thread=thread,
        team_id=thread.plan.team_id,
        author=user,
        body=body,
        version=version,
        created_at=now,
    )
    comment._history_user = user
    comment.save()
    return comment


def _name(user: User) -> str:
    return user.get_full_name() or user.username


def _mentioned(plan: Plan, body: str, author: User) -> list[User]:
    """The members of the plan's team the comment names with @username, but its author."""
    names = {name.rstrip(".").lower() for name in _MENTION.findall(body)}
    if not names:
        return []
    members = Membership.objects.filter(team_id=plan.team_id).select_related("user")
    return [m.user for m in members if m.user.username.lower() in names and m.user != author]


def _tell_mentioned(thread: Thread, comment: Comment, people: list[User]) -> None:
    _tell(
        recipients=people,
        kind="mention",
        thread=thread,
        comment=comment,
        text=f"{_name(comment.author)} mentioned you in the thread on {thread.about}",
    )


def thread_url(thread: Thread) -> str:
    return reverse("threads:detail", args=[thread.plan_id, thread.pk])


def _tell(
    *, recipients: Iterable[User], kind: str, thread: Thread, comment: Comment, text: str
) -> None:
    """Where threads tell people what concerns them ("mention", "reply"), inside the action's
    transaction: notify() keeps to those who may see the plan, and mails after the commit."""
    people = list(recipients)
    if people:
        notify(
            recipients=people,
            kind=kind,
            plan=thread.plan,
            actor=comment.author,
            text=text,
            url=f"{thread_url(thread)}#comment-{comment.pk}",
            context={"comment": fit(comment.body, COMMENT_IN_MAIL)},
        )
