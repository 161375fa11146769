"""Default reference data: categories, result classes, the staff group and the holiday calendar.

Used by the data migration and by tests (a transactional test flushes tables).
"""

CATEGORIES = [
    "经济发展",
    "城乡建设",
    "城市管理",
    "教育科技",
    "文化旅游",
    "卫生健康",
    "社会保障",
    "农业农村",
    "生态环境",
    "交通运输",
    "政法",
    "民政",
    "其他",
]
RESULT_CLASSES = [
    ("A", "已经解决或者基本解决", True, True, False),
    ("B", "正在解决或者列入计划逐步解决", True, False, True),
    ("C", "因条件限制需待以后解决", False, False, False),
    ("D", "留作参考", False, False, False),
]
FIRST_CALENDAR_YEAR = 2020


def install_defaults(get_model):
    """Idempotent. ``get_model`` is ``apps.get_model`` (migration) or ``django.apps.apps.get_model``.

    The categories and result classes go to the first congress (花溪区人大); before the congresses existed
    (migration 0002) they belong to no congress.
    """
    Category = get_model("suggestions", "Category")
    scope = {}
    if any(f.name == "congress" for f in Category._meta.get_fields()):
        Congress = get_model("congresses", "Congress")
        scope["congress"], _created = Congress.objects.get_or_create(
            slug="huaxi", defaults={"name": "花溪区人大", "full_name": "贵阳市花溪区人民代表大会", "level": "county"}
        )
    install_congress_defaults(get_model, **scope)
    install_calendar(get_model)


def install_congress_defaults(get_model, **scope):
    """A congress's own reference data, as staff find it on the first day: categories and result classes A–D.

    ``scope`` is ``{"congress": congress}`` (empty only in migration 0002, before congresses existed).
    """
    Category = get_model("suggestions", "Category")
    ResultClass = get_model("suggestions", "ResultClass")
    if not Category.objects.filter(**scope).exists():
        for order, name in enumerate(CATEGORIES, start=1):
            Category.objects.get_or_create(name=name, **scope, defaults={"order": order})
    for order, (code, name, solved, adopted, follow) in enumerate(RESULT_CLASSES, start=1):
        ResultClass.objects.get_or_create(
            code=code,
            **scope,
            defaults={
                "name": name,
                "order": order,
                "counts_as_solved": solved,
                "counts_as_adopted": adopted,
                "needs_follow_up": follow,
            },
        )


def install_calendar(get_model):
    """The staff group and the national holiday calendar (shared by every congress)."""
    from chinese_calendar.constants import holidays, workdays

    from suggestions.workdays import HOLIDAY_NAMES

    Group = get_model("auth", "Group")
    CalendarDay = get_model("suggestions", "CalendarDay")
    CalendarYear = get_model("suggestions", "CalendarYear")
    Group.objects.get_or_create(name="npc_staff")
    if CalendarYear.objects.exists():
        return
    rows = [
        CalendarDay(date=d, is_workday=False, note=HOLIDAY_NAMES.get(n, n))
        for d, n in holidays.items()
        if d.year >= FIRST_CALENDAR_YEAR and d.weekday() < 5
    ] + [
        CalendarDay(date=d, is_workday=True, note="调休上班")
        for d in workdays
        if d.year >= FIRST_CALENDAR_YEAR and d.weekday() >= 5
    ]
    CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)
    years = sorted({d.year for d in list(holidays) + list(workdays) if d.year >= FIRST_CALENDAR_YEAR})
    for year in years:
        CalendarYear.objects.get_or_create(year=year, defaults={"source": "chinesecalendar"})
