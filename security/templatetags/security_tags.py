"""The administrators' links, for the home page of an account that has no business role."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from security.accounts import admin_role_of
from security.models import AdminRole

register = template.Library()


@register.inclusion_tag("security/admin_links.html")
def admin_links(user):
    """The pages of the account's administrator role (none for anyone else)."""
    role = admin_role_of(user)
    links = {
        AdminRole.SYSTEM: [(reverse("admin:index"), _("账号、届次和承办单位（系统设置）"))],
        AdminRole.SECURITY: [
            (reverse("security:roles"), _("管理员角色与安全策略")),
            (reverse("security:lockouts"), _("登录锁定")),
        ],
        AdminRole.AUDIT: [(reverse("security:audit"), _("安全审计"))],
    }.get(role, [])
    return {"role": AdminRole(role).label if role else "", "links": links}
