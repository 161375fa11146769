"""What the API answers and accepts about liaison stations and residents' opinions (issue 21/22)."""

from rest_framework import serializers

from api.serializers import ActionSerializer, AvailableActionsField, RefSerializer
from stations.models import OpinionEntry, ResidentOpinion


class StationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text="联络站编号")
    name = serializers.CharField(help_text="名称")
    address = serializers.CharField(help_text="地址")
    hours = serializers.CharField(help_text="开放时间")
    congress = serializers.CharField(source="congress.name", help_text="所属人大")


class PublicOpinionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text="意见编号")
    topic = serializers.CharField(help_text="主题")
    public_text = serializers.CharField(help_text="公开内容（经处理人审核，已隐去个人信息）")
    public_answer = serializers.CharField(help_text="公开答复（经处理人审核）")
    answered_at = serializers.DateTimeField(allow_null=True, help_text="答复时间")
    published_at = serializers.DateTimeField(help_text="公开时间")


class StationFiguresSerializer(serializers.Serializer):
    received = serializers.IntegerField(help_text="收到意见数")
    answered = serializers.IntegerField(help_text="已答复数")
    forwarded = serializers.IntegerField(help_text="转承办单位数")
    suggested = serializers.IntegerField(help_text="转为代表建议数")
    rated = serializers.IntegerField(help_text="已评价数")
    satisfied = serializers.IntegerField(help_text="满意和基本满意数")
    satisfaction = serializers.CharField(help_text="满意率（如 90%，无评价时为 —）")


class PublicStationSerializer(StationSerializer):
    figures = StationFiguresSerializer(allow_null=True, help_text="办理情况（还没有意见时为空）")
    opinions = PublicOpinionSerializer(source="opinions_shown", many=True, help_text="已公开的答复（最近50条）")


class EntrySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=OpinionEntry.Kind.choices, help_text="群众补充、处理情况或答复")
    kind_display = serializers.CharField(source="get_kind_display", help_text="类别的中文名称")
    text = serializers.CharField(help_text="内容")
    created_at = serializers.DateTimeField(help_text="时间")


class TrackSerializer(serializers.Serializer):
    """What the public tracking page shows to whoever holds the code: no personal data, the text masked."""

    tracking_code = serializers.CharField(help_text="查询码")
    station = RefSerializer(help_text="联络站")
    topic = serializers.CharField(help_text="主题")
    text = serializers.CharField(help_text="内容（手机号码、身份证号等已隐去）")
    place = serializers.CharField(help_text="地点或小区（已隐去个人信息）")
    status = serializers.ChoiceField(choices=ResidentOpinion.Status.choices, help_text="状态")
    status_display = serializers.CharField(help_text="状态的中文名称")
    received_at = serializers.DateTimeField(help_text="收到时间")
    answer_due = serializers.DateField(help_text="答复期限（含已同意的延期）")
    answer = serializers.CharField(help_text="答复（未答复时为空）")
    answered_at = serializers.DateTimeField(allow_null=True, help_text="答复时间")
    rating = serializers.CharField(help_text="评价：satisfied、basic、unsatisfied，未评价时为空")
    suggestion = RefSerializer(allow_null=True, help_text="转成并已公开的代表建议（否则为空）")
    entries = EntrySerializer(many=True, help_text="办理经过")
    available_actions = ActionSerializer(many=True, help_text="持查询码的群众此刻可进行的操作（add、rate、withdraw）")


class AddInfoInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=1000, help_text="补充内容")


class ResidentRateInputSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=ResidentOpinion.Rating.choices, help_text="满意、基本满意或不满意")
    comment = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", help_text="评价意见（不满意时必填）"
    )


class ResidentSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="姓名（无权查看时已隐去）")
    mobile = serializers.CharField(help_text="手机号码（无权查看时已隐去）")


class OpinionRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text="意见编号")
    station = RefSerializer(help_text="联络站")
    delegate = RefSerializer(allow_null=True, help_text="反映给的代表（反映给联络站时为空）")
    topic = serializers.CharField(help_text="主题")
    status = serializers.ChoiceField(choices=ResidentOpinion.Status.choices, help_text="状态")
    status_display = serializers.CharField(source="get_status_display", help_text="状态的中文名称")
    received_at = serializers.DateTimeField(help_text="收到时间")
    first_response_due = serializers.DateField(help_text="首次回应期限")
    answer_due = serializers.DateField(source="effective_answer_due", help_text="答复期限（含已同意的延期）")
    forwarded_office = RefSerializer(allow_null=True, help_text="转办的承办单位")
    office_signed_at = serializers.DateTimeField(allow_null=True, help_text="承办单位签收时间（未签收时为空）")


class OpinionDetailSerializer(OpinionRowSerializer):
    text = serializers.CharField(source="api_text", help_text="内容（无权查看联系方式时隐去其中的个人信息）")
    place = serializers.CharField(source="api_place", help_text="地点或小区")
    anonymous = serializers.BooleanField(help_text="匿名")
    resident = ResidentSerializer(source="api_resident", help_text="群众姓名和手机号码（按规则完整或隐去）")
    answer = serializers.CharField(help_text="答复")
    answered_at = serializers.DateTimeField(allow_null=True, help_text="答复时间")
    rating = serializers.CharField(help_text="群众评价，未评价时为空")
    rating_comment = serializers.CharField(help_text="评价意见")
    entries = EntrySerializer(source="api_entries", many=True, help_text="办理经过")
    available_actions = AvailableActionsField()


class OpinionAnswerInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000, help_text="答复")


class OpinionForwardInputSerializer(serializers.Serializer):
    office = serializers.IntegerField(help_text="承办单位编号；答复期限为该意见的答复期限")
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="", help_text="转办说明")


class OpinionExtensionInputSerializer(serializers.Serializer):
    until = serializers.DateField(help_text="申请延至（晚于当前答复期限，最长为原期限再加一个答复时限）")
    reason = serializers.CharField(max_length=2000, help_text="延期理由")


class OpinionExtensionDecisionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text="true 同意，false 不同意")
    until = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="同意时延至的日期（不填按申请）"
    )
    note = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="", help_text="审核意见（不同意时必填）"
    )


# --------------------------------------------------------------------------- residents send an opinion (no account)


class ResidentTargetSerializer(serializers.Serializer):
    """What a station's or delegate's QR code opens: where the opinion goes and what the form allows."""

    station = RefSerializer(help_text="联络站")
    address = serializers.CharField(source="station.address", help_text="联络站地址")
    hours = serializers.CharField(source="station.hours", help_text="开放时间")
    delegate = RefSerializer(allow_null=True, help_text="反映给的代表（联络站的码时为空）")
    allow_anonymous = serializers.BooleanField(source="station.allow_anonymous", help_text="是否接收匿名意见")
    max_photos = serializers.IntegerField(help_text="最多照片数")


class VerificationInputSerializer(serializers.Serializer):
    mobile = serializers.CharField(max_length=20, help_text="11位手机号码，验证码将以短信发送")


class VerificationSerializer(serializers.Serializer):
    verification = serializers.CharField(help_text="提交意见时带回的验证凭据（不含验证码）")
    expires_in = serializers.IntegerField(help_text="验证码有效秒数")


class OpinionSubmitInputSerializer(serializers.Serializer):
    """The resident's form: the same fields, the same checks (``stations.residents.opinion_submit``)."""

    topic = serializers.CharField(max_length=100, help_text="主题")
    text = serializers.CharField(max_length=5000, help_text="内容（字数上限由系统设置）")
    place = serializers.CharField(max_length=100, required=False, allow_blank=True, default="", help_text="地点或小区")
    anonymous = serializers.BooleanField(required=False, default=False, help_text="匿名（联络站允许时）")
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="", help_text="姓名")
    mobile = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", help_text="手机号码（与获取验证码时相同）"
    )
    verification = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="获取验证码时返回的凭据"
    )
    sms_code = serializers.CharField(
        max_length=10, required=False, allow_blank=True, default="", help_text="短信中的6位验证码"
    )
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=10, help_text="照片（最多4张）"
    )
    website = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="请留空（防机器人字段）"
    )


class OpinionSubmittedSerializer(serializers.Serializer):
    tracking_code = serializers.CharField(help_text="查询码：凭它查看办理情况、补充、撤回和评价")
    status = serializers.ChoiceField(choices=ResidentOpinion.Status.choices, help_text="状态")
    status_display = serializers.CharField(source="get_status_display", help_text="状态的中文名称")
