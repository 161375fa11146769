from django.urls import reverse
from django.utils.translation import gettext as _

from . import roles


def _nav_for(user):
    items = []
    user_roles = roles.roles_of(user)
    if "delegate" in user_roles:
        items += [
            (_("我的建议"), "delegates:home"),
            (_("提出建议"), "delegates:create"),
            (_("履职档案"), "delegates:my_record"),
        ]
    if "staff" in user_roles:
        items += [
            (_("待审查"), "staff:inbox"),
            (_("待交办"), "staff:assign_list"),
            (_("建议跟踪"), "staff:track"),
            (_("退回与延期"), "staff:requests"),
            (_("公开审核"), "staff:publication"),
            (_("统计"), "reports:dashboard"),
            (_("催办记录"), "reminders:list"),
        ]
    elif "leader" in user_roles:
        items += [(_("重点督办"), "staff:leader_home"), (_("统计"), "reports:dashboard")]
    if "office" in user_roles:
        items += [(_("承办事项"), "offices:inbox"), (_("收到的催办"), "reminders:office")]
    if "admin" in user_roles:
        items.append((_("系统设置"), "admin:index"))
    return items


def _cached(cache, key, compute, timeout=60):
    try:
        return cache.get_or_set(key, compute, timeout)
    except Exception:  # noqa: BLE001 - a cache outage must not break every page
        return compute()


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from django.urls import NoReverseMatch

    items = []
    for label, name in _nav_for(user):
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": False})
    # The longest matching prefix is the current section (/staff/track/ is not /staff/).
    matches = [item for item in items if request.path.startswith(item["url"]) and item["url"] != "/"]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    context = {
        "nav_items": items,
        "unread_notifications": roles.unread_notifications(user),
        "user_roles": roles.roles_of(user),
    }
    if "staff" in context["user_roles"]:
        from django.core.cache import cache
        from django.utils import timezone

        from .reminders import failed_count
        from .workdays import years_needing_data

        # Both are the same for every staff member and change rarely: recount at most once a minute.
        today = timezone.localdate()
        context["failed_reminders"] = _cached(cache, "nav:failed-reminders", failed_count)
        missing = _cached(cache, f"nav:calendar-missing:{today}", lambda: years_needing_data(today))
        if missing:
            context["calendar_warning"] = _(
                "尚未录入%(years)s年的法定节假日，期限暂按周一至周五计算。请在“系统设置 › 节假日与调休”中补录。"
            ) % {"years": "、".join(str(y) for y in missing)}
    return context
