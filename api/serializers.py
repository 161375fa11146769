"""What the API answers and accepts. Every field is typed (no free-form objects) and described in Chinese."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from suggestions import policy
from suggestions.models import Assignment, ContactRecord, CoSigner, Rating, Reply, Suggestion


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text="编号")
    name = serializers.CharField(help_text="名称")


class ActionSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="操作代码（policy.Action），如 submit、sign、rate。")
    allowed = serializers.BooleanField(help_text="当前是否可以进行。")
    reason = serializers.CharField(help_text="不能进行时的中文原因（与网页相同）。")


def actions_of(actor: Any, obj: Any) -> list[dict]:
    """``available_actions``: every action of ``obj``'s kind with the policy's decision, as the page asks."""
    return [
        {"action": str(action), "allowed": bool(decision), "reason": decision.reason}
        for action, decision in policy.available(actor, obj).items()
    ]


@extend_schema_field(ActionSerializer(many=True))
class AvailableActionsField(serializers.Field):
    """``available_actions`` read from ``policy.available`` for the request's actor."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "此刻可进行的操作，直接来自规则（policy.available）。")
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return actions_of(self.context["actor"], value)


# --------------------------------------------------------------------------- people and me


class OfficeRoleSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="承办单位编号")
    name = serializers.CharField(help_text="承办单位名称")


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="用户编号")
    username = serializers.CharField(help_text="登录名")
    name = serializers.CharField(help_text="姓名")
    roles = serializers.ListField(
        child=serializers.CharField(),
        help_text="角色：delegate 代表、office 承办单位、staff 人大工作人员、leader 督办领导。",
    )
    delegate = RefSerializer(allow_null=True, help_text="作为代表的身份（不是代表时为空）。")
    offices = OfficeRoleSerializer(many=True, help_text="所在承办单位。")
    unread_notifications = serializers.IntegerField(help_text="未读通知数。")


# --------------------------------------------------------------------------- suggestions


class SuggestionRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="建议编号（内部）")
    number = serializers.CharField(source="number_display", help_text="立案编号，如“第12号”；未立案为空。")
    title = serializers.CharField(help_text="标题")
    status = serializers.ChoiceField(choices=Suggestion.Status.choices, help_text="状态")
    status_label = serializers.CharField(source="get_status_display", help_text="状态（中文）")
    category = RefSerializer(help_text="类别")
    lead_delegate = RefSerializer(help_text="领衔代表")
    is_key = serializers.BooleanField(help_text="重点督办")
    created_at = serializers.DateTimeField(help_text="创建时间（ISO 8601）")
    submitted_at = serializers.DateTimeField(allow_null=True, help_text="提交时间")


class CoSignerSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="联名邀请编号")
    delegate = RefSerializer(help_text="被邀请的代表")
    status = serializers.ChoiceField(choices=CoSigner.Status.choices, help_text="状态")
    status_label = serializers.CharField(source="get_status_display", help_text="状态（中文）")
    deadline = serializers.DateTimeField(allow_null=True, help_text="确认截止时间")


class AssignmentRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="交办编号")
    office = RefSerializer(help_text="承办单位")
    role = serializers.ChoiceField(choices=Assignment.Role.choices, help_text="承办方式：主办、协办或分办")
    status = serializers.ChoiceField(choices=Assignment.Status.choices, help_text="办理状态")
    status_label = serializers.CharField(source="get_status_display", help_text="办理状态（中文）")
    due_date = serializers.DateField(source="effective_due", help_text="答复期限（含延期）")


class ResultClassSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="办理结果代码，如 A、B")
    name = serializers.CharField(help_text="办理结果名称")


class RatingSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="评价编号")
    delegate = RefSerializer(help_text="评价的代表")
    value = serializers.ChoiceField(choices=Rating.Value.choices, help_text="评价")
    comment = serializers.CharField(help_text="意见")
    rated_at = serializers.DateTimeField(help_text="评价时间")


class ReplySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="答复编号")
    office = RefSerializer(source="assignment.office", help_text="答复的承办单位")
    round = serializers.IntegerField(source="round.number", help_text="办理轮次")
    status = serializers.ChoiceField(choices=Reply.Status.choices, help_text="草稿或已提交")
    text = serializers.CharField(help_text="答复内容")
    result_class = ResultClassSerializer(allow_null=True, help_text="办理结果分类")
    signed_off_by = serializers.CharField(help_text="签发人")
    submitted_at = serializers.DateTimeField(allow_null=True, help_text="答复时间")
    has_letter = serializers.SerializerMethodField(help_text="是否已上传盖章答复函")
    available_actions = AvailableActionsField()

    def get_has_letter(self, reply) -> bool:
        return reply.attachment_id is not None


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="附件编号")
    name = serializers.CharField(source="original_name", help_text="文件名")
    content_type = serializers.CharField(help_text="文件类型")
    size = serializers.IntegerField(help_text="大小（字节）")
    uploaded_at = serializers.DateTimeField(help_text="上传时间")
    download_url = serializers.SerializerMethodField(help_text="下载地址（需同样的认证）")

    def get_download_url(self, attachment) -> str:
        return f"/api/v1/attachments/{attachment.pk}/download/"


class TimelineStepSerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text="时间")
    action = serializers.CharField(help_text="步骤代码")
    label = serializers.CharField(help_text="步骤（中文）")
    office = serializers.CharField(help_text="相关承办单位")
    actor = serializers.CharField(help_text="办理人（仅对可见的人显示）")
    note = serializers.CharField(help_text="说明")
    detail = serializers.CharField(help_text="补充说明")


class SuggestionDetailSerializer(SuggestionRowSerializer):
    body = serializers.CharField(help_text="内容")
    series = serializers.ChoiceField(choices=Suggestion.Series.choices, help_text="会议期间或闭会期间")
    session = RefSerializer(help_text="会议")
    status_reason = serializers.CharField(help_text="退回、不予立案或撤回的理由")
    updated_at = serializers.DateTimeField(help_text="最后修改时间")
    cosigners = CoSignerSerializer(source="api_cosigners", many=True, help_text="联名代表")
    assignments = AssignmentRowSerializer(source="api_assignments", many=True, help_text="承办单位")
    replies = ReplySerializer(source="api_replies", many=True, help_text="答复（按此人可见的范围）")
    attachments = AttachmentSerializer(source="api_files", many=True, help_text="附件（按此人可下载的范围）")
    timeline = TimelineStepSerializer(source="api_timeline", many=True, help_text="办理过程（按规则向此人显示的步骤）")
    available_actions = AvailableActionsField()


class DraftInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, help_text="标题", allow_blank=True)
    body = serializers.CharField(max_length=20000, help_text="内容", allow_blank=True)
    category = serializers.IntegerField(help_text="类别编号（见 /api/v1/public/menus/）")
    series = serializers.ChoiceField(
        choices=Suggestion.Series.choices, required=False, help_text="会议期间（session）或闭会期间（recess）"
    )


class DraftPatchSerializer(DraftInputSerializer):
    """Autosave: any subset of the fields; the others keep their saved values."""

    title = serializers.CharField(max_length=200, required=False, allow_blank=True, help_text="标题")
    body = serializers.CharField(max_length=20000, required=False, allow_blank=True, help_text="内容")
    category = serializers.IntegerField(required=False, help_text="类别编号")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True, help_text="理由")


class InviteSerializer(serializers.Serializer):
    delegates = serializers.ListField(
        child=serializers.IntegerField(), min_length=1, max_length=50, help_text="被邀请代表的编号"
    )


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="联名邀请编号")
    suggestion = SuggestionRowSerializer(help_text="建议")
    status = serializers.ChoiceField(choices=CoSigner.Status.choices, help_text="状态")
    deadline = serializers.DateTimeField(allow_null=True, help_text="确认截止时间")
    available_actions = AvailableActionsField()


class RateInputSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=Rating.Value.choices, help_text="满意、基本满意或不满意")
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, help_text="意见（不满意时必填）")


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="通知编号")
    title = serializers.CharField(help_text="标题")
    body = serializers.CharField(help_text="内容")
    suggestion = serializers.IntegerField(source="suggestion_id", allow_null=True, help_text="相关建议编号")
    created_at = serializers.DateTimeField(help_text="时间")
    read_at = serializers.DateTimeField(allow_null=True, help_text="已读时间")


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="数量")


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="文件：PDF、Word、Excel、WPS、OFD、JPG、PNG、GIF")


# --------------------------------------------------------------------------- offices


class ContactSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="记录编号")
    method = serializers.ChoiceField(choices=ContactRecord.Method.choices, help_text="沟通方式")
    date = serializers.DateField(help_text="日期")
    participants = serializers.CharField(help_text="参加人员")
    summary = serializers.CharField(help_text="沟通情况")
    delegate_invited = serializers.BooleanField(help_text="已邀请代表参加")


class ContactInputSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=ContactRecord.Method.choices, help_text="沟通方式")
    date = serializers.DateField(help_text="日期（不早于交办日，不晚于今天）")
    participants = serializers.CharField(max_length=300, allow_blank=True, help_text="参加人员")
    summary = serializers.CharField(max_length=5000, allow_blank=True, help_text="沟通情况")
    delegate_invited = serializers.BooleanField(required=False, default=False, help_text="已邀请代表参加")


class OpinionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000, allow_blank=True, help_text="协办意见")


class ReplyInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000, allow_blank=True, help_text="答复内容")
    result_class = serializers.CharField(
        max_length=5, required=False, allow_blank=True, help_text="办理结果代码，如 A、B、C、D"
    )
    signed_off_by = serializers.CharField(max_length=50, required=False, allow_blank=True, help_text="签发人")
    letter = serializers.FileField(required=False, help_text="已签发盖章的答复函（PDF或图片）")


class ExtensionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True, help_text="延期理由")
    until = serializers.DateField(help_text="申请延至的日期")


class RequestSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="申请编号")
    kind = serializers.CharField(help_text="类型：return 退回、extension 延期")
    status = serializers.CharField(help_text="状态")
    reason = serializers.CharField(help_text="理由")
    requested_until = serializers.DateField(allow_null=True, help_text="申请延至")
    requested_at = serializers.DateTimeField(help_text="申请时间")


class AssignmentSerializer(AssignmentRowSerializer):
    suggestion = SuggestionRowSerializer(help_text="建议")
    assigned_at = serializers.DateTimeField(help_text="交办时间")
    return_by = serializers.DateField(help_text="申请退回截止")
    opinion_due = serializers.DateField(allow_null=True, help_text="协办意见截止")
    signed_at = serializers.DateTimeField(allow_null=True, help_text="签收时间")


class AssignmentDetailSerializer(AssignmentSerializer):
    body = serializers.CharField(source="suggestion.body", help_text="建议内容")
    contacts = ContactSerializer(source="contacts_list", many=True, help_text="沟通联系记录")
    requests = RequestSerializer(source="requests_list", many=True, help_text="退回和延期申请")
    reply = ReplySerializer(allow_null=True, help_text="本轮答复（草稿或已提交）")
    reply_requirements = serializers.ListField(
        child=serializers.CharField(), help_text="答复前还须完成的事项（中文，空表示可以提交）"
    )
    timeline = TimelineStepSerializer(many=True, help_text="办理过程（按规则向本单位显示的步骤）")
    available_actions = AvailableActionsField()


# --------------------------------------------------------------------------- public


class PublicReplySerializer(serializers.Serializer):
    office = RefSerializer(source="assignment.office", help_text="承办单位")
    round = serializers.IntegerField(source="round.number", help_text="办理轮次")
    result_class = ResultClassSerializer(allow_null=True, help_text="办理结果分类")
    text = serializers.CharField(source="public_text", help_text="公开的答复内容（已审核）")
    submitted_at = serializers.DateTimeField(allow_null=True, help_text="答复时间")


class OutcomeRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="建议编号（内部）")
    number = serializers.CharField(source="number_display", help_text="立案编号")
    title = serializers.CharField(source="public_title", help_text="公开标题（已审核）")
    category = RefSerializer(help_text="类别")
    session = RefSerializer(help_text="会议")
    lead_delegate = serializers.CharField(source="lead_delegate.name", help_text="领衔代表姓名")
    published_at = serializers.DateTimeField(help_text="公开时间")
    offices = RefSerializer(source="summary.offices", many=True, help_text="承办单位")
    result_classes = ResultClassSerializer(source="summary.result_classes", many=True, help_text="办理结果")
    rating = serializers.CharField(source="summary.rating_text", help_text="代表评价（最近一轮）")


class OutcomeDetailSerializer(OutcomeRowSerializer):
    body = serializers.CharField(source="public_body", help_text="公开内容（已审核）")
    replies = PublicReplySerializer(source="published_replies", many=True, help_text="公开的答复")


class FigureSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="指标")
    numerator = serializers.IntegerField(help_text="分子")
    denominator = serializers.IntegerField(help_text="分母")
    percent = serializers.FloatField(source="rate", allow_null=True, help_text="百分比")


class StatisticsSerializer(serializers.Serializer):
    session = RefSerializer(help_text="会议")
    sessions = RefSerializer(many=True, help_text="可选的会议")
    figures = FigureSerializer(many=True, help_text="办复率、满意率等（各含分子分母）")


class MenusSerializer(serializers.Serializer):
    categories = RefSerializer(many=True, help_text="类别")
    sessions = RefSerializer(many=True, help_text="会议")
    result_classes = ResultClassSerializer(many=True, help_text="办理结果分类")
