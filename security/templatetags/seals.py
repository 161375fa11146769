"""``{% seal_flag obj %}``: staff see a warning on a sealed record that was changed after it was sealed."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from security import integrity

register = template.Library()


@register.simple_tag(takes_context=True)
def seal_flag(context, obj):
    """A visible warning for NPC staff when ``obj`` fails its integrity check (checked and logged for everyone)."""
    if obj is None or not integrity.loaded(obj) or integrity.check(obj) != integrity.Seal.BROKEN:
        return ""
    request = context.get("request")
    user = getattr(request, "user", None)
    from suggestions import roles

    if user is None or not user.is_authenticated or not roles.is_staff_member(user):
        return ""
    return format_html(
        '<p class="tag urgency-overdue" role="alert" data-integrity="broken">{}</p>',
        _("完整性校验未通过：此记录在提交后被改动，请联系安全管理员核查。"),
    )
