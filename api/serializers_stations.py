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
    answer_due = serializers.DateField(help_text="答复期限")
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
    answer_due = serializers.DateField(help_text="答复期限")
    forwarded_office = RefSerializer(allow_null=True, help_text="转办的承办单位")


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
