"""Download names are safe and readable for any team or title: no leading "/", no path
escapes, letters of every script kept, and no two entries of a zip with the same name."""

from __future__ import annotations

import io
import zipfile

from django.urls import reverse

from plans.models import Plan, Team
from tests.factories import make_plan


def names(response) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(response.content)).namelist()


def test_teams_and_titles_in_any_script_keep_their_letters(as_carol, alice):
    team = Team.objects.create(name="支付团队")
    plan = make_plan(team, alice, title="離線同步")
    assert names(as_carol.get(reverse("plans:export_all"))) == [
        f"支付团队/離線同步-{plan.pk}-v1.md"
    ]


def test_names_without_letters_never_start_with_a_slash(as_carol, alice):
    team = Team.objects.create(name="!!!")
    plan = make_plan(team, alice, title="../../etc/passwd")
    (name,) = names(as_carol.get(reverse("plans:export_all")))
    assert name == f"team/etcpasswd-{plan.pk}-v1.md"


def test_teams_whose_names_slugify_alike_get_numbered_entries(as_carol, alice):
    first, second = Team.objects.create(name="Ops!"), Team.objects.create(name="Ops?")
    make_plan(first, alice, title="Same")
    make_plan(second, alice, title="Same")
    found = names(as_carol.get(reverse("plans:export_all")))
    assert [name.split("/")[0] for name in found] == ["ops", "ops-2"]


def test_a_single_export_names_its_file_in_the_title_s_script(plan, as_alice):
    Plan.objects.filter(pk=plan.pk).update(title="Синхронизация")
    response = as_alice.get(reverse("plans:export", args=[plan.pk]))
    assert "filename*=utf-8''%D1%81%D0%B8" in response["Content-Disposition"]
