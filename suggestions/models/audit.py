"""The audit trail: every state change writes one row, named by an ``AuditAction``."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suggestions.models.handling import Assignment
from suggestions.models.suggestion import Suggestion


class AuditAction(models.TextChoices):
    """Every audit row's action, with the label the timelines show (``AuditLog.Action``).

    The values are the strings stored in ``AuditLog.action``; ``timeline.VISIBILITY`` says who reads each.
    """

    CREATE = "create", _("创建草稿")
    EDIT = "edit", _("修改建议")
    ATTACH = "attach", _("上传附件")
    OFFICE_ATTACH = "office_attach", _("上传办理文件")
    COSIGNER_INVITE = "cosigner_invite", _("邀请联名")
    COSIGNER_RESPOND = "cosigner_respond", _("答复联名邀请")
    COSIGNER_DROP = "cosigner_drop", _("撤销联名邀请")
    SUBMIT = "submit", _("提交建议")
    RETURN = "return", _("退回修改")
    REGISTER = "register", _("立案")
    NOT_REGISTER = "not_register", _("不予立案")
    WITHDRAW = "withdraw", _("撤回")
    MERGE = "merge", _("并案")
    MERGE_IN = "merge_in", _("并入其他建议")
    ASSIGN = "assign", _("交办")
    SET_KEY = "set_key", _("设置重点督办")
    SIGN = "sign", _("签收")
    HANDLING_STARTED = "handling_started", _("开始办理")
    SET_HANDLER = "set_handler", _("指定经办人")
    REQUEST_RETURN = "request_return", _("申请退回")
    RETURN_APPROVED = "return_approved", _("同意退回并重新交办")
    RETURN_REFUSED = "return_refused", _("不同意退回")
    CONTACT = "contact", _("沟通联系")
    OPINION = "opinion", _("提交协办意见")
    REPLY = "reply", _("答复")
    REPLIED = "replied", _("全部答复完成")
    REQUEST_EXTENSION = "request_extension", _("申请延期")
    EXTENSION_APPROVED = "extension_approved", _("同意延期")
    EXTENSION_REFUSED = "extension_refused", _("不同意延期")
    RATE = "rate", _("代表评价")
    REHANDLE = "rehandle", _("重新办理")
    CLOSE = "close", _("办结")
    FOLLOW_UP = "follow_up", _("跟踪督办进展")
    FOLLOW_UP_CONFIRM = "follow_up_confirm", _("确认解决情况")
    PUBLISH = "publish", _("公开答复")
    UNPUBLISH = "unpublish", _("撤回公开")
    EDIT_PUBLIC_TEXT = "edit_public_text", _("审核答复公开版本")
    REVIEW_PUBLIC_VERSION = "review_public_version", _("审核建议公开版本")
    PII_NOT_PERSONAL = "pii_not_personal", _("确认非个人信息")
    REMIND = "remind", _("催办")
    # The year's end (suggestions.actions.followup): re-surveys, 回头看 of B answers, the delegates' letters.
    RESURVEY_SELECT = "resurvey_select", _("列入满意度回访")
    RESURVEY_RECORD = "resurvey_record", _("记录满意度回访结果")
    RESURVEY_REOPEN = "resurvey_reopen", _("回访结果不一致，重新办理")
    CARRY_OVER = "carry_over", _("回头看：转入本次会议继续办理")
    CARRY_SOLVED = "carry_solved", _("回头看：确认已解决")
    LETTER_SEND = "letter_send", _("发送代表建议办理告知函")
    # People and accounts (suggestions.actions.accounts): rows without a suggestion.
    DELEGATE_IMPORT = "delegate_import", _("导入代表")
    DELEGATE_UPDATE = "delegate_update", _("更新代表")
    OFFICE_IMPORT = "office_import", _("导入承办单位")
    OFFICE_UPDATE = "office_update", _("更新承办单位")
    ACTIVATION_ISSUE = "activation_issue", _("生成激活链接")
    ACTIVATION_USE = "activation_use", _("激活账号")
    # Congresses (suggestions.actions.transfer, congresses.services).
    TRANSFER = "transfer", _("转交上级人大")
    TRANSFER_IN = "transfer_in", _("收到下级人大转交")
    CONGRESS_CREATE = "congress_create", _("新建人大")
    STAFF_ACCOUNT_CREATE = "staff_account_create", _("开设人大工作人员账号")


class AuditLog(models.Model):
    """One row per transition: who, when, from, to, why. Never deleted."""

    Action = AuditAction

    suggestion = models.ForeignKey(Suggestion, on_delete=models.PROTECT, related_name="audit_logs", null=True)
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="audit_logs", null=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    action = models.CharField(_("操作"), max_length=40, choices=AuditAction.choices)
    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        indexes = [models.Index(fields=["suggestion", "created_at"], name="audit_sugg_time")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"
