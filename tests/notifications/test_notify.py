"""notify(): everyone concerned hears of it, and nobody who may not see the plan."""

from __future__ import annotations

import pytest
from django.db import transaction

from notifications.models import Notification
from notifications.services import notify
from plans.models import Membership

KIND = Notification.Kind.DECIDED


def tell(plan, recipients, actor=None, **fields):
    fields.setdefault("text", f"Bob approved {plan.title}")
    fields.setdefault("url", f"/plans/{plan.pk}/#approval")
    return notify(recipients=recipients, kind=KIND, plan=plan, actor=actor, **fields)


def test_it_tells_those_who_may_see_the_plan_once_and_never_the_actor(
    plan, alice, victor, carol, mallory, bob
):
    tell(plan, [alice, victor, victor, carol, mallory, bob, None], actor=bob)
    told = Notification.objects.filter(plan=plan).values_list("recipient__username", flat=True)
    assert sorted(told) == ["alice", "carol", "victor"]


def test_a_superuser_and_someone_with_the_permission_of_their_own_are_managers(plan, mallory):
    from django.contrib.auth.models import Permission

    from tests.factories import make_user

    root = make_user("root", is_superuser=True)
    mallory.user_permissions.add(Permission.objects.get(codename="view_every_plan"))
    tell(plan, [root, mallory])
    assert Notification.objects.filter(plan=plan).count() == 2


def test_a_former_member_and_an_inactive_one_are_not_told(plan, alice, victor, bob):
    Membership.objects.filter(user=victor).delete()
    bob.is_active = False
    bob.save()
    assert tell(plan, [victor, bob]) == []


def test_it_records_who_did_what_where(plan, alice, bob):
    [notification] = tell(plan, [alice], actor=bob, text="Bob\napproved   it")
    assert notification.recipient == alice
    assert notification.actor == bob
    assert notification.text == "Bob approved it"
    assert notification.url == f"/plans/{plan.pk}/#approval"
    assert notification.read_at is None


def test_a_rolled_back_action_leaves_no_notification_and_sends_nothing(
    plan, alice, mailoutbox, django_capture_on_commit_callbacks
):
    def action() -> None:
        with transaction.atomic():
            tell(plan, [alice])
            raise RuntimeError("the action failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        action()
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_mail_leaves_only_after_the_commit(
    plan, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        tell(plan, [alice])
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert [m.to for m in mailoutbox] == [["alice@example.com"]]


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/", "/\\evil.example", "plans/1/", "/a\nb"]
)
def test_it_refuses_a_link_that_leaves_the_site(plan, alice, url):
    with pytest.raises(ValueError, match="path within the site"):
        tell(plan, [alice], url=url)


def test_it_refuses_an_unknown_kind_and_context_that_is_not_plain_data(plan, alice):
    with pytest.raises(ValueError, match="Unknown kind"):
        notify(recipients=[alice], kind="gossip", plan=plan, actor=None, text="t", url="/")
    with pytest.raises(TypeError):
        tell(plan, [alice], context={"plan": plan})


def test_a_long_text_is_cut_to_the_column(plan, alice):
    [notification] = tell(plan, [alice], text="word " * 200)
    assert len(notification.text) == 300
    assert notification.text.endswith("…")
