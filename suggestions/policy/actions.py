"""Every action the rule book answers for, with its Chinese name; grouped by the ``rules_*`` module holding its rule."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """Every workflow action a service performs (the value is what templates test: ``"reply" in allowed``)."""

    # rules_drafting: a delegate's suggestion before review, co-signing, files
    CREATE = "create", _("起草建议")
    EDIT = "edit", _("修改建议")
    SUBMIT = "submit", _("提交建议")
    WITHDRAW = "withdraw", _("撤回建议")
    INVITE = "invite", _("邀请联名")
    DROP_COSIGNER = "drop_cosigner", _("撤销联名")
    RESPOND = "respond", _("答复联名邀请")
    ATTACH = "attach", _("上传附件")
    # rules_staff: review, assignment and supervision by NPC staff
    REGISTER = "register", _("立案")
    RETURN = "return", _("退回修改")
    REJECT = "reject", _("不予立案")
    MERGE = "merge", _("并案")  # obj: the suggestion folded into another
    MERGE_INTO = "merge_into", _("并入其他建议")  # obj: the suggestion receiving others
    ASSIGN = "assign", _("交办")
    SET_KEY = "set_key", _("设置重点督办")
    CLOSE = "close", _("办结")
    REHANDLE = "rehandle", _("重新办理")
    APPROVE_RETURN = "approve_return", _("同意退回")
    REFUSE_RETURN = "refuse_return", _("不同意退回")
    APPROVE_EXTENSION = "approve_extension", _("同意延期")
    REFUSE_EXTENSION = "refuse_extension", _("不同意延期")
    CONFIRM_SOLVED = "confirm_solved", _("确认解决情况")
    REMIND = "remind", _("催办")
    RESEND_REMINDER = "resend_reminder", _("重新发送未送达的提醒")
    STAFF_DESK = "staff_desk", _("使用人大工作人员办理页面")  # obj: None, or the suggestion opened there
    VIEW_REMINDER_LOG = "view_reminder_log", _("查看催办记录")  # obj: None (every delivery) or a suggestion
    # rules_office: an office at work on its assignment
    SIGN = "sign", _("签收")
    REQUEST_RETURN = "request_return", _("申请退回")
    SET_HANDLER = "set_handler", _("指定经办人")
    CONTACT = "contact", _("沟通联系")
    OPINION = "opinion", _("提交协办意见")
    REPLY = "reply", _("起草答复")  # save the draft of this round's reply
    REPLY_SUBMIT = "reply_submit", _("提交答复")
    ATTACH_LETTER = "attach_letter", _("补传答复函")
    REQUEST_EXTENSION = "request_extension", _("申请延期")
    FOLLOW_UP = "follow_up", _("报告办理进展")
    # rules_rating: the delegates after the reply
    RATE = "rate", _("评价答复")
    # rules_publication: what the public sees
    PUBLISH = "publish", _("公开答复")
    UNPUBLISH = "unpublish", _("撤回公开")
    SAVE_PUBLIC_VERSION = "save_public_version", _("审核公开版本")
    # rules_reporting: figures and exports
    VIEW_REPORTS = "view_reports", _("查看统计和重点督办")
    EXPORT = "export", _("导出报表")
    # rules_people: delegates, offices and their accounts
    MANAGE_PEOPLE = "manage_people", _("管理代表、承办单位和账号")
    ROSTER_IMPORT = "roster_import", _("导入代表或承办单位名单")
    # rules_stations: liaison stations, residents' opinions, suggestions recorded in group discussion
    STATION_MANAGE = "station_manage", _("管理联络站")
    STATION_VIEW = "station_view", _("查看联络站")
    OPINION_VIEW = "opinion_view", _("查看群众意见")
    OPINION_PERSONAL_DATA = "opinion_personal_data", _("查看群众联系方式")
    OPINION_ANSWER = "opinion_answer", _("直接答复群众意见")
    OPINION_FORWARD = "opinion_forward", _("转办群众意见")
    OPINION_MERGE = "opinion_merge", _("合并群众意见")
    OPINION_SUGGEST = "opinion_suggest", _("将群众意见转为建议")
    OPINION_OFFICE_SIGN = "opinion_office_sign", _("承办单位签收群众意见")
    OPINION_OFFICE_ANSWER = "opinion_office_answer", _("承办单位答复群众意见")
    OPINION_REQUEST_EXTENSION = "opinion_request_extension", _("承办单位申请延期答复群众意见")
    OPINION_DECIDE_EXTENSION = "opinion_decide_extension", _("审核群众意见延期申请")  # obj: the opinion
    OPINION_PUBLISH = "opinion_publish", _("公开群众意见答复")
    DISCUSSION_RECORD = "discussion_record", _("录入分组审议建议")
    RECORDED_DRAFT_EDIT = "recorded_draft_edit", _("修改代录建议")
    RECORDED_DRAFT_CONFIRM = "recorded_draft_confirm", _("确认代录建议")
    # rules_people, personal data: who needs a person's full contact or data
    REVEAL_CONTACT = "reveal_contact", _("查看代表完整联系电话")  # obj: the assignment whose lead delegate is called
    EXPORT_PERSON = "export_person", _("导出本人信息")  # obj: a Delegate whose own data is downloaded for them
    ANONYMISE_PERSON = "anonymise_person", _("匿名化个人信息")  # obj: a Delegate whose name and contacts go
    # rules_congress: the levels above and below (obj: a Congress, a suggestion or a transfer)
    TRANSFER = "transfer", _("转交上级人大")  # obj: the suggestion of the actor's congress passed up
    VIEW_TRANSFER = "view_transfer", _("查看转交去向")  # obj: the Transfer (of the congress that transferred)
    VIEW_LOWER_CONGRESSES = "view_lower_congresses", _("查看下级人大办理情况")  # obj: None, or the lower Congress
    MANAGE_CONGRESSES = "manage_congresses", _("管理下级人大及其工作人员账号")  # obj: None, or the Congress below
    # rules_followup: the year's end beside the handling
    RESURVEY_SELECT = "resurvey_select", _("选取满意度回访建议")  # obj: the session chosen from
    RESURVEY_RECORD = "resurvey_record", _("记录满意度回访结果")  # obj: a Resurvey
    RESURVEY_REOPEN = "resurvey_reopen", _("回访不一致时重新办理")  # obj: a Resurvey
    CARRY_OVER = "carry_over", _("回头看：转入本次会议继续办理")  # obj: the B-class Reply
    CARRY_SOLVED = "carry_solved", _("回头看：确认已解决")  # obj: the B-class Reply
    LETTER_VIEW = "letter_view", _("查看代表建议办理告知函")  # obj: the Delegate the letter is written to
    LETTER_SEND = "letter_send", _("发送代表建议办理告知函")  # obj: the session
    # rules_scoring: the year's office scoring (办理绩效考评, app ``yearend``)
    RUBRIC_EDIT = "rubric_edit", _("编辑考评办法")  # obj: None (a new rubric) or a draft Rubric
    RUBRIC_PUBLISH = "rubric_publish", _("发布考评办法")  # obj: a Rubric
    RUBRIC_NEW_VERSION = "rubric_new_version", _("新建考评办法版本")  # obj: a published Rubric
    SCORES_COMPUTE = "scores_compute", _("计算考评得分")  # obj: a published Rubric
    SCORES_VIEW = "scores_view", _("查看考评得分")  # obj: None / a Rubric (every office) or one ScoreSheet
    SCORES_EXPORT = "scores_export", _("导出考评得分")  # obj: a Rubric (the table) or one ScoreSheet
    SCORE_ENTER = "score_enter", _("人工评分")  # obj: a ScoreSheet
    SCORE_RELEASE = "score_release", _("向单位反馈得分")  # obj: a ScoreSheet
    SCORE_OBJECT = "score_object", _("对得分提出异议")  # obj: a ScoreSheet
    OBJECTION_ANSWER = "objection_answer", _("答复考评异议")  # obj: an Objection
    SCORE_LOCK = "score_lock", _("锁定最终得分")  # obj: a ScoreSheet
