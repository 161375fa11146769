from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from delegates import phones
from security.fields import EncryptedEmailField, EncryptedTextField

CONGRESS = "congresses.Congress"


class Term(models.Model):
    """届: a term of a People's Congress, e.g. 第十八届."""

    congress = models.ForeignKey(CONGRESS, on_delete=models.PROTECT, related_name="terms", verbose_name=_("人大"))
    number = models.PositiveSmallIntegerField(_("届次"))
    name = models.CharField(_("名称"), max_length=100)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("届")
        verbose_name_plural = _("届")
        constraints = [models.UniqueConstraint(fields=["congress", "number"], name="term_unique_per_congress")]

    def __str__(self):
        return self.name


class Session(models.Model):
    """次会议: a session of a term. Suggestions are filed in it or in the recess after it."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("届"))
    # The term's congress, kept on the row so that "the current session" is unique within a congress.
    congress = models.ForeignKey(
        CONGRESS, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("人大"), editable=False
    )
    number = models.PositiveSmallIntegerField(_("次"))
    name = models.CharField(_("名称"), max_length=100)
    start_date = models.DateField(_("开幕日期"))
    end_date = models.DateField(_("闭幕日期"))
    recess_end_date = models.DateField(
        _("闭会期间截止"), null=True, blank=True, help_text=_("下次会议开幕前一天；留空表示至今。")
    )
    is_current = models.BooleanField(_("当前会议"), default=False)

    class Meta:
        ordering = ["-term__number", "-number"]
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="session_unique_per_term"),
            models.UniqueConstraint(
                fields=["congress"], condition=models.Q(is_current=True), name="session_one_current_per_congress"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.term_id is not None:
            self.congress_id = self.term.congress_id
        super().save(*args, **kwargs)

    @property
    def code(self):
        """Two digits of term and session, e.g. '1804', used as a number prefix."""
        return f"{self.term.number:02d}{self.number:02d}"


class Delegation(models.Model):
    """代表团 / 代表组."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="delegations", verbose_name=_("届"))
    name = models.CharField(_("名称"), max_length=100)
    # Records the suggestions raised in the delegation's group discussions (issue 22), beside NPC staff.
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="secretary_of",
        verbose_name=_("秘书"),
        help_text=_("可为本代表团录入分组审议中提出的建议。"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("代表团（组）")
        verbose_name_plural = _("代表团（组）")
        constraints = [models.UniqueConstraint(fields=["term", "name"], name="delegation_unique_name")]

    def __str__(self):
        return self.name


class Constituency(models.Model):
    """选区."""

    congress = models.ForeignKey(
        CONGRESS, on_delete=models.PROTECT, related_name="constituencies", verbose_name=_("人大")
    )
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("选区")
        verbose_name_plural = _("选区")
        constraints = [models.UniqueConstraint(fields=["congress", "name"], name="constituency_unique_per_congress")]

    def __str__(self):
        return self.name


class Delegate(models.Model):
    """A delegate's public profile in one congress. Private contact details live in DelegateContact.

    A person who is a delegate of two congresses (a district delegate who is also a city delegate) has one
    login and one record per congress; they choose which congress they act in.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegate_records",
        verbose_name=_("登录账号"),
    )
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="delegates", verbose_name=_("届"))
    # The term's congress, kept on the row: one record per person and congress, and scoping without a join.
    congress = models.ForeignKey(
        CONGRESS, on_delete=models.PROTECT, related_name="delegates", verbose_name=_("人大"), editable=False
    )
    name = models.CharField(_("姓名"), max_length=50)
    delegation = models.ForeignKey(
        Delegation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegates",
        verbose_name=_("代表团（组）"),
    )
    constituency = models.ForeignKey(
        Constituency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegates",
        verbose_name=_("选区"),
    )
    work_unit = models.CharField(_("工作单位及职务"), max_length=200, blank=True)
    is_active = models.BooleanField(_("在任"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("代表")
        verbose_name_plural = _("代表")
        indexes = [models.Index(fields=["term", "name"], name="delegate_term_name")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "congress"],
                condition=models.Q(user__isnull=False),
                name="delegate_one_record_per_congress",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.term_id is not None:
            self.congress_id = self.term.congress_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("delegates:record", args=[self.pk])


class DelegateContactQuerySet(models.QuerySet):
    def with_phone(self, number: str) -> "DelegateContactQuerySet":
        """Contacts whose mobile is ``number`` (any notation), found through the keyed lookup hash."""
        digest = phones.lookup_hash(number)
        return self.filter(phone_hash=digest) if digest else self.none()


class DelegateContact(models.Model):
    """Private contact fields, never shown on public pages; stored SM4-encrypted (``security.fields``)."""

    delegate = models.OneToOneField(Delegate, on_delete=models.CASCADE, related_name="contact", verbose_name=_("代表"))
    phone = EncryptedTextField(_("手机号码"), max_length=30, blank=True)
    # HMAC-SM3 of the normalized number under a separate key: finds a person by phone without decrypting.
    phone_hash = models.CharField(_("手机号码查找摘要"), max_length=64, blank=True, db_index=True, editable=False)
    landline = EncryptedTextField(_("固定电话"), max_length=40, blank=True)
    email = EncryptedEmailField(_("电子邮箱"), blank=True)
    address = EncryptedTextField(_("通讯地址"), max_length=200, blank=True)

    objects = DelegateContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("代表联系方式")
        verbose_name_plural = _("代表联系方式")

    def __str__(self):
        return str(self.delegate)

    def save(self, *args, **kwargs):
        self.phone_hash = phones.lookup_hash(self.phone)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "phone" in update_fields:
            kwargs["update_fields"] = {*update_fields, "phone_hash"}
        super().save(*args, **kwargs)


class AccountActivation(models.Model):
    """A one-time link that lets a person whose account was created for them set their own password.

    Only a hash of the token is stored; the link itself is shown once to staff (printable list,
    Excel, SMS or e-mail). Using it, or issuing a newer one, ends it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="activations", verbose_name=_("登录账号")
    )
    token_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("生成人")
    )
    expires_at = models.DateTimeField(_("有效期至"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("账号激活链接")
        verbose_name_plural = _("账号激活链接")

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d}"
