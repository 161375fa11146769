from django.urls import reverse
from django.utils.translation import gettext as _

from huaxi_renda.cache import cache_get_many, cache_set_many
from suggestions import policy, roles
from suggestions.actor import Actor
from suggestions.policy import Action


def _nav_for(user):
    items = []
    user_roles = roles.roles_of(user)
    if "delegate" in user_roles:
        items += [
            (_("我的建议"), "delegates:home"),
            (_("提出建议"), "delegates:create"),
            (_("履职档案"), "delegates:my_record"),
            (_("告知函"), "delegates:letter"),
        ]
    # The staff's and leaders' areas appear when the rule book opens them (the pages ask it the same way).
    actor = Actor.of(user)
    staff_desk = policy.may(actor, Action.STAFF_DESK, None)
    if staff_desk:
        items += [
            (_("待审查"), "staff:inbox"),
            (_("待交办"), "staff:assign_list"),
            (_("建议跟踪"), "staff:track"),
            (_("退回与延期"), "staff:requests"),
            (_("公开审核"), "staff:publication"),
            (_("回访与回头看"), "staff:resurveys"),
        ]
    if policy.may(actor, Action.VIEW_REPORTS, None):
        if not staff_desk:
            items.append((_("重点督办"), "staff:leader_home"))
        items.append((_("统计"), "reports:dashboard"))
    if policy.may(actor, Action.SCORES_VIEW, None):
        items.append((_("绩效考评"), "yearend:home"))
    if policy.may(actor, Action.VIEW_REMINDER_LOG, None):
        items.append((_("催办记录"), "reminders:list"))
    if policy.may(actor, Action.MANAGE_PEOPLE, None):
        items.append((_("代表与单位"), "roster:home"))
    if policy.may(actor, Action.VIEW_LOWER_CONGRESSES, None):
        items.append((_("下级人大"), "congresses:overview"))
    if policy.may(actor, Action.MANAGE_CONGRESSES, None):
        items.append((_("人大管理"), "congresses:manage"))
    if "office" in user_roles:
        items += [
            (_("承办事项"), "offices:inbox"),
            (_("收到的催办"), "reminders:office"),
            (_("考评得分"), "yearend:office_home"),
        ]
    if "admin" in user_roles:
        items.append((_("系统设置"), "admin:index"))
    return items


def _cached_many(computations, timeout=60):
    """{key: value} for {key: compute}: one cache round trip when all are cached."""
    found = cache_get_many(list(computations), default=None, message="Navigation cache unavailable")
    if found is None:  # a cache outage must not break every page
        return {key: compute() for key, compute in computations.items()}
    missing = {key: compute() for key, compute in computations.items() if key not in found}
    if missing:
        cache_set_many(missing, timeout, message="Could not cache the navigation counts")
    return {**found, **missing}


def _staff_counts(congress_id, today, failed_key, calendar_key):
    """The staff banners' two counts, as ``_cached_many`` computations: when both are missing, one statement
    reads both (the congress's row with its failed deliveries and whether each year has holiday data)."""
    from suggestions.reminders import failed_count
    from suggestions.workdays import years_needing_data, years_wanted

    both = {}

    def read_both():
        if not both:
            both.update(_read_staff_counts(congress_id, years_wanted(today)))
        return both

    if congress_id is None:  # no congress to count in (failed_count's None is every congress's)
        return {failed_key: lambda: failed_count(congress_id), calendar_key: lambda: years_needing_data(today)}
    return {failed_key: lambda: read_both()["failed"], calendar_key: lambda: read_both()["missing"]}


def _read_staff_counts(congress_id, years):
    from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from congresses.models import Congress
    from suggestions.models import CalendarYear, ReminderDelivery

    # As ``suggestions.reminders.failed_count(congress_id)`` counts them (a test holds the two equal).
    failed = (
        ReminderDelivery.objects.filter(
            status=ReminderDelivery.Status.FAILED, reminder__suggestion__congress_id=OuterRef("pk")
        )
        .order_by()
        .values("reminder__suggestion__congress_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    known = {f"year_{year}": Exists(CalendarYear.objects.filter(year=year)) for year in years}
    row = (
        Congress.objects.filter(pk=congress_id)
        .annotate(failed=Coalesce(Subquery(failed, output_field=IntegerField()), Value(0)), **known)
        .values("failed", *known)
        .first()
    )
    if row is None:
        return {"failed": 0, "missing": sorted(years)}
    return {"failed": row["failed"], "missing": sorted(year for year in years if not row[f"year_{year}"])}


_URLS = {}


def _url(name):
    """``reverse(name)``, remembered: the navigation's URLs never change while the process runs."""
    from django.urls import get_script_prefix

    key = (get_script_prefix(), name)
    url = _URLS.get(key)
    if url is None:
        url = _URLS[key] = reverse(name)
    return url


# Reminders reach these roles (delegates, office handlers, staff and leaders); an admin-only account gets none.
_REMINDED_ROLES = {"delegate", "staff", "leader", "office"}


def _user_links(user_roles):
    """The user menu's own pages (beside the password change): no query, read from the roles already known."""
    from django.urls import NoReverseMatch

    names = [(_("我的提醒方式"), "reminders:mine")] if _REMINDED_ROLES.intersection(user_roles) else []
    names.append((_("接口令牌"), "api_tokens:list"))
    links = []
    for label, name in names:
        try:
            links.append({"label": label, "url": _url(name)})
        except NoReverseMatch:  # a deployment without that page
            continue
    return links


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from django.urls import NoReverseMatch

    items = []
    for label, name in _nav_for(user):
        try:
            url = _url(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": False})

    # The longest matching prefix is the current section (/staff/track/ is not /staff/). A section
    # whose address holds other sections (/staff/ holds /staff/track/) owns only its own page: a
    # suggestion opened from the track list is not in 待审查.
    def covers(item):
        url = item["url"]
        if url == "/" or not request.path.startswith(url):
            return False
        holds_others = any(other is not item and other["url"].startswith(url) for other in items)
        return request.path == url or not holds_others

    matches = [item for item in items if covers(item)]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    context = {
        "nav_items": items,
        "unread_notifications": roles.unread_notifications(user),
        "user_roles": roles.roles_of(user),
    }
    context["user_links"] = _user_links(context["user_roles"])
    if "staff" in context["user_roles"]:
        from django.utils import timezone

        # The same for every staff member of a congress (the calendar: for everyone) and rarely changing:
        # recount at most once a minute. Failed reminders are counted per congress, each under its own key.
        today = timezone.localdate()
        congress_id = roles.congress_id_of(user)
        calendar_key = f"nav:calendar-missing:{today}"
        failed_key = f"nav:failed-reminders:{congress_id}"
        found = _cached_many(_staff_counts(congress_id, today, failed_key, calendar_key))
        context["failed_reminders"] = found[failed_key]
        missing = found[calendar_key]
        if missing:
            context["calendar_warning"] = _(
                "尚未录入%(years)s年的法定节假日，期限暂按周一至周五计算。请在“系统设置 › 节假日与调休”中补录。"
            ) % {"years": "、".join(str(y) for y in missing)}
    return context
