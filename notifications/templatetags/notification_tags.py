"""The inbox's items, written in Python as the activity's events and the History's rows are:
thirty items through the template, each with two forms, its dates, avatar and address, were
two thirds of the inbox's time (bench/scale.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe

from plans.addresses import address_of
from plans.row_fields import format_safe
from plans.templatetags.plan_tags import ago, avatar, moment_of, person

register = template.Library()

_ITEM = (
    '<li class="list-group-item d-flex justify-content-between align-items-start flex-wrap'
    ' gap-2{unread_item}" id="notification-{pk}">\n'
    "    <div>\n"
    '      <form class="d-inline" method="post" action="{read_url}">{csrf}\n'
    '        <input type="hidden" name="open" value="1">\n'
    '        <button class="btn btn-link p-0 text-start align-baseline{unread_text}"'
    ' type="submit">{text}</button>\n'
    "      </form>\n"
    "      {new}\n"
    '      <div class="small text-body-secondary">\n'
    "        {plan} · {actor} ·\n"
    '        <time datetime="{iso}" title="{title}">{ago}</time>\n'
    '        · <a href="{url}">open without marking read</a>\n'
    "      </div>\n"
    "    </div>\n"
    "    {mark}\n"
    "  </li>\n"
)

_MARK_READ = (
    '<form method="post" action="{read_url}" hx-post="{read_url}"'
    ' hx-target="#notification-{pk}" hx-swap="outerHTML">{csrf}\n'
    '      <input type="hidden" name="page" value="{page}">\n'
    '      <button class="btn btn-outline-secondary btn-sm" type="submit">Mark read'
    '<span class="visually-hidden">: {text}</span></button>\n'
    "    </form>"
)


@register.simple_tag(takes_context=True)
def notification_items(context: Any, notifications: Any) -> SafeString:
    """The inbox's items (notifications.models.Notification, with their plan and actor), each
    with its form to open it and, unread, to mark it read (on the page the inbox is at)."""
    token = context.get("csrf_token")
    csrf = (
        format_safe('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
        if token and token != "NOTPROVIDED"
        else ""
    )
    page = context.get("page")
    page_number = getattr(page, "number", "")
    read_address = address_of("notifications:read")
    items = []
    for n in notifications:
        read_url, unread = read_address(n.pk), n.is_unread
        iso, _ = moment_of(n.created_at)
        actor = (
            format_safe('<span class="person">{}{}</span>', avatar(n.actor, "sm"), person(n.actor))
            if n.actor
            else "Plansign"
        )
        mark = unread and format_safe(
            _MARK_READ, read_url=read_url, pk=n.pk, csrf=csrf, page=page_number, text=n.text
        )
        items.append(
            format_safe(
                _ITEM,
                unread_item=" list-group-item-light" if unread else "",
                pk=n.pk,
                read_url=read_url,
                csrf=csrf,
                unread_text=" fw-semibold" if unread else "",
                text=n.text,
                new=mark_safe('<span class="badge text-bg-primary">New</span>') if unread else "",
                plan=n.plan.title,
                actor=actor,
                iso=iso,
                title=formats.localize(timezone.localtime(n.created_at)),
                ago=ago(n.created_at),
                url=n.url,
                mark=mark or "",
            )
        )
    return mark_safe("".join(items))  # each item is format_safe's
