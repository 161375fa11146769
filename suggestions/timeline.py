"""Turns audit rows into the handling timeline people read."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "create": _("创建草稿"),
    "edit": _("修改建议"),
    "attach": _("上传附件"),
    "cosigner_invite": _("邀请联名"),
    "cosigner_respond": _("答复联名邀请"),
    "cosigner_drop": _("撤销联名邀请"),
    "submit": _("提交建议"),
    "return": _("退回修改"),
    "register": _("立案"),
    "not_register": _("不予立案"),
    "withdraw": _("撤回"),
    "merge": _("并案"),
    "merge_in": _("并入其他建议"),
    "assign": _("交办"),
    "set_key": _("设置重点督办"),
    "sign": _("签收"),
    "handling_started": _("开始办理"),
    "set_handler": _("指定经办人"),
    "request_return": _("申请退回"),
    "return_approved": _("同意退回并重新交办"),
    "return_refused": _("不同意退回"),
    "contact": _("沟通联系"),
    "opinion": _("提交协办意见"),
    "reply": _("答复"),
    "replied": _("全部答复完成"),
    "request_extension": _("申请延期"),
    "extension_approved": _("同意延期"),
    "extension_refused": _("不同意延期"),
    "rate": _("代表评价"),
    "rehandle": _("重新办理"),
    "close": _("办结"),
    "follow_up": _("跟踪督办进展"),
    "follow_up_confirm": _("确认解决情况"),
    "publish": _("公开答复"),
    "unpublish": _("撤回公开"),
    "edit_public_text": _("审核答复公开版本"),
    "review_public_version": _("审核建议公开版本"),
    "pii_not_personal": _("确认非个人信息"),
    "remind": _("催办"),
}

# Steps a delegate follows; the rest are internal bookkeeping.
DELEGATE_ACTIONS = {
    "submit",
    "return",
    "register",
    "not_register",
    "withdraw",
    "merge",
    "merge_in",
    "assign",
    "sign",
    "return_approved",
    "contact",
    "reply",
    "extension_approved",
    "rate",
    "rehandle",
    "close",
    "follow_up",
    "follow_up_confirm",
    "cosigner_respond",
}


def build_timeline(logs, *, actions=None):
    items = []
    for log in logs:
        if actions is not None and log.action not in actions:
            continue
        items.append(
            {
                "at": log.created_at,
                "action": log.action,
                "label": ACTION_LABELS.get(log.action, log.action),
                "office": log.assignment.office.name if log.assignment_id and log.assignment else "",
                "actor": (log.actor.get_full_name() or log.actor.username) if log.actor_id and log.actor else "",
                "note": log.note,
                "data": log.data,
                "from_status": log.from_status,
                "to_status": log.to_status,
            }
        )
    return items
