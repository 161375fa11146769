"""Writes of the congresses: choosing the one to act in (a person with roles in several), and an
administrator creating congresses below theirs with their first staff accounts (``Action.MANAGE_CONGRESSES``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from congresses.models import ActingChoice, Congress
from suggestions import roles
from suggestions.errors import InvalidInput


@transaction.atomic
def act_in(*, user: Any, congress_id: int) -> Congress:
    """From now on ``user`` acts in this congress (one of theirs); their roles are read again."""
    roles.forget(user)
    if congress_id not in roles.congress_ids_of(user):
        raise InvalidInput(_("您在这个人大没有职务，不能切换到它。"))
    congress = Congress.objects.get(pk=congress_id)
    ActingChoice.objects.update_or_create(user=user, defaults={"congress": congress})
    roles.forget(user)
    return congress


# --------------------------------------------------------------------------- administration of the levels below

LEVEL_DEPTH = {level: depth for depth, level in enumerate(Congress.Level.values)}


@transaction.atomic
def congress_create(*, actor: Any, name: str, slug: str, level: str, parent: Congress, full_name: str = "") -> Congress:
    """A new congress below ``parent`` (the administrator's own congress or one below it), with its default
    categories and result classes. Its staff then set up its terms, sessions, offices and policies."""
    from django.apps import apps

    from suggestions import policy
    from suggestions.actions._base import audit, clean_text
    from suggestions.actor import Actor
    from suggestions.defaults import install_congress_defaults
    from suggestions.models import AuditAction

    own = parent.pk == Actor.of(actor).congress_id
    policy.require(actor, policy.Action.MANAGE_CONGRESSES, None if own else parent)
    name = clean_text(name, _("简称"), max_length=50)
    full_name = (full_name or "").strip()[:100]
    slug = (slug or "").strip().lower()
    if not slug or not slug.replace("-", "").isalnum() or not slug.isascii() or len(slug) > 40:
        raise InvalidInput(_("网址标识只能用小写英文字母、数字和连字符，最多40个字符。"))
    if level not in LEVEL_DEPTH:
        raise InvalidInput(_("请选择层级。"))
    if LEVEL_DEPTH[level] <= LEVEL_DEPTH.get(parent.level, 0):
        raise InvalidInput(
            _("下级人大的层级必须低于%(parent)s（%(level)s）。")
            % {"parent": parent.name, "level": parent.get_level_display()}
        )
    if Congress.objects.filter(name=name).exists():
        raise InvalidInput(_("已有名为“%(name)s”的人大。") % {"name": name})
    if Congress.objects.filter(slug=slug).exists():
        raise InvalidInput(_("网址标识“%(slug)s”已被使用。") % {"slug": slug})
    order = (Congress.objects.filter(parent=parent).order_by("-order").values_list("order", flat=True).first()) or 0
    congress = Congress.objects.create(
        name=name, full_name=full_name, slug=slug, level=level, parent=parent, order=order + 1
    )
    install_congress_defaults(apps.get_model, congress=congress)
    audit(
        action=AuditAction.CONGRESS_CREATE,
        actor=actor,
        note=congress.name,
        data={"congress": congress.pk, "parent": parent.pk, "level": level, "slug": slug},
    )
    return congress


@transaction.atomic
def staff_account_create(*, actor: Any, congress: Congress, username: str, full_name: str) -> Any:
    """A first staff account of a congress below (login without a password; the activation link sets it).

    Returns ``(user, issued activation links)``: the link exists only in what is returned (its hash is stored).
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from congresses.models import StaffMembership
    from suggestions import policy
    from suggestions.actions import accounts
    from suggestions.actions._base import audit, clean_text
    from suggestions.models import AuditAction

    congress = Congress.objects.select_for_update().get(pk=congress.pk)
    policy.require(actor, policy.Action.MANAGE_CONGRESSES, congress)
    username = clean_text(username, _("登录名"), max_length=150)
    full_name = clean_text(full_name, _("姓名"), max_length=150)
    if not all(ch.isalnum() or ch in "@.+-_" for ch in username) or not username.isascii():
        raise InvalidInput(_("登录名只能用英文字母、数字和 @ . + - _。"))
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidInput(_("登录名“%(username)s”已被使用，请换一个。") % {"username": username})
    user = User(username=username, first_name=full_name)
    user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get_or_create(name=roles.STAFF_GROUP)[0])
    StaffMembership.objects.create(user=user, congress=congress)
    audit(
        action=AuditAction.STAFF_ACCOUNT_CREATE,
        actor=actor,
        note=f"{congress.name} · {username}",
        data={"congress": congress.pk, "user": user.pk},
    )
    issued = accounts.activation_issue(actor=actor, users=[user], below=congress)
    return user, issued
