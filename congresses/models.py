"""人民代表大会: the congresses one deployment serves (province, cities, districts and counties, townships).

A congress owns its terms and sessions, delegates, offices and clerks, staff, categories, result classes,
policies, numbering, stations and published outcomes. The holiday calendar is national and belongs to none.
Everything else carries a ``congress`` (directly, or through its suggestion, office, term or station), and
``suggestions.queries`` and ``suggestions.policy`` keep each actor inside the congress they act in.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The first congress: where the data of a single-congress deployment lives, and what ``/public/`` shows.
FIRST_SLUG = "huaxi"
FIRST_NAME = "花溪区人大"
FIRST_FULL_NAME = "贵阳市花溪区人民代表大会"


class Congress(models.Model):
    """One people's congress (人大) and its standing committee."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("区县")
        TOWNSHIP = "township", _("乡镇")

    name = models.CharField(_("简称"), max_length=50, unique=True, help_text=_("如：花溪区人大"))
    full_name = models.CharField(_("全称"), max_length=100, blank=True, help_text=_("如：贵阳市花溪区人民代表大会"))
    slug = models.SlugField(
        _("网址标识"), max_length=40, unique=True, help_text=_("公开网站地址中的部分，如 huaxi → /huaxi/public/")
    )
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级人大"),
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("人大")
        verbose_name_plural = _("人大")

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.full_name or self.name

    @property
    def organ_name(self):
        """Who speaks for the congress between sessions: a township congress has a presidium (主席团), every
        other level a standing committee (常务委员会)."""
        if self.level == self.Level.TOWNSHIP:
            return _("%(name)s主席团") % {"name": self.display_name}
        return _("%(name)s常务委员会") % {"name": self.display_name}


class StaffMembership(models.Model):
    """Which congress a member of NPC staff (人大常委会工作人员) belongs to: exactly one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_membership",
        verbose_name=_("登录账号"),
    )
    congress = models.ForeignKey(
        Congress, on_delete=models.PROTECT, related_name="staff_memberships", verbose_name=_("人大")
    )

    class Meta:
        verbose_name = _("工作人员所属人大")
        verbose_name_plural = _("工作人员所属人大")

    def __str__(self):
        return f"{self.user} · {self.congress}"


class ActingChoice(models.Model):
    """The congress a person with roles in several congresses last chose to act in (e.g. a district delegate
    who is also a city delegate). Without one, the person acts in the congress of their first role."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="acting_choice", verbose_name=_("登录账号")
    )
    congress = models.ForeignKey(Congress, on_delete=models.CASCADE, related_name="+", verbose_name=_("人大"))
    chosen_at = models.DateTimeField(_("选择时间"), auto_now=True)

    class Meta:
        verbose_name = _("当前履职的人大")
        verbose_name_plural = _("当前履职的人大")

    def __str__(self):
        return f"{self.user} · {self.congress}"


def first_congress(using=None):
    """The first congress (created by the migration; re-created after a test flushed the tables)."""
    manager = Congress.objects.db_manager(using) if using else Congress.objects
    congress, _created = manager.get_or_create(
        slug=FIRST_SLUG,
        defaults={"name": FIRST_NAME, "full_name": FIRST_FULL_NAME, "level": Congress.Level.COUNTY},
    )
    return congress


# Congresses change a few times a year and every signed-in page names one: each process keeps them a minute.
_KEPT: dict[int, tuple[float, Congress | None]] = {}
KEEP_SECONDS = 60


def congress_by_id(pk: int | None) -> Congress | None:
    """The congress with this id, from this process's copy when it is under a minute old."""
    import time

    if pk is None:
        return None
    now = time.monotonic()
    kept = _KEPT.get(pk)
    if kept is None or now - kept[0] > KEEP_SECONDS:
        kept = _KEPT[pk] = (now, Congress.objects.filter(pk=pk).first())
    return kept[1]


def forget_kept(**kwargs):
    _KEPT.clear()


models.signals.post_save.connect(forget_kept, sender=Congress, dispatch_uid="congress_forget_kept")
models.signals.post_delete.connect(forget_kept, sender=Congress, dispatch_uid="congress_forget_kept_delete")
