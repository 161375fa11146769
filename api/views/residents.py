"""Residents send a new opinion through the API, as through the form a QR code opens: see where the code leads,
get the one-time code by SMS, send the opinion with photos, get the tracking code back (then ``/track/…``).

No account and no session: the one-time code is the proof of the number, and the answer to the code request is
a signed token naming the code sent (never the code). Every check is the form's (``stations.residents``):
content-checked photos re-encoded without EXIF, size limits, the honeypot, limits per number and per address,
anonymous opinions where the station allows them. Throttled per address like every endpoint; no answer here
holds personal data.
"""

from django.core import signing
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from api import serializers_stations as ss
from api.views.stations import PUBLIC_ERRORS, RESIDENTS, _NoLogin
from security.events import client_address
from stations import queries, residents
from stations.actions import limit
from suggestions.errors import InvalidInput

VERIFICATION_SALT = "stations.api.verification"


def _address(request) -> str | None:
    return client_address(request._request)


@extend_schema(tags=[RESIDENTS])
class ResidentTarget(_NoLogin):
    serializer_class = ss.ResidentTargetSerializer

    @extend_schema(
        summary="扫码：意见反映给谁",
        description="联络站码或代表码（二维码中的编号）指向的联络站和代表，以及是否接收匿名意见。无需登录。",
        responses={200: ss.ResidentTargetSerializer, 404: PUBLIC_ERRORS[404]},
    )
    def get(self, request, code):
        station, delegate = queries.code_target(code=code)
        data = {"station": station, "delegate": delegate, "max_photos": limit("photos")}
        return Response(ss.ResidentTargetSerializer(data).data)


@extend_schema(tags=[RESIDENTS])
class ResidentVerification(_NoLogin):
    serializer_class = ss.VerificationSerializer

    @extend_schema(
        summary="获取手机验证码",
        description="向手机号码发送6位验证码（每个号码、每个网络地址每小时有次数上限，两次之间须间隔）。"
        "返回的凭据在提交意见时带回；验证码只在短信中。",
        request=ss.VerificationInputSerializer,
        responses={201: ss.VerificationSerializer, **PUBLIC_ERRORS},
    )
    def post(self, request, code):
        station, _delegate = queries.code_target(code=code)  # an unknown or closed station: 404, no SMS
        data = ss.VerificationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        verification = residents.verification_send(
            mobile=data.validated_data["mobile"], address=_address(request), station=station
        )
        token = signing.dumps({"id": verification.pk}, salt=VERIFICATION_SALT)
        answer = {"verification": token, "expires_in": limit("otp_minutes") * 60}
        return Response(ss.VerificationSerializer(answer).data, status=status.HTTP_201_CREATED)


def _verification_id(token: str) -> int | None:
    """The verification a token names; a forged or stale one is refused as the form refuses a lost code."""
    if not token:
        return None
    try:
        return int(signing.loads(token, salt=VERIFICATION_SALT, max_age=limit("otp_minutes") * 60)["id"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvalidInput(_("验证码已失效，请重新获取。"))


@extend_schema(tags=[RESIDENTS])
class ResidentOpinionSubmit(_NoLogin):
    serializer_class = ss.OpinionSubmittedSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        summary="提交意见",
        description="与扫码表单相同：主题、内容、地点、姓名和手机号码（带获取验证码时的凭据和短信验证码），"
        "照片最多4张（按内容检查，去除位置等信息后保存）；联络站允许时可匿名（不填姓名和号码）。"
        "返回查询码，凭它在 /api/v1/track/{code}/ 查看办理情况。",
        request={
            "multipart/form-data": ss.OpinionSubmitInputSerializer,
            "application/json": ss.OpinionSubmitInputSerializer,
        },
        responses={201: ss.OpinionSubmittedSerializer, **PUBLIC_ERRORS},
    )
    def post(self, request, code):
        station, delegate = queries.code_target(code=code)
        data = ss.OpinionSubmitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values["website"]:  # the honeypot: filled by robots only
            raise InvalidInput(_("提交未成功，请刷新页面后重新填写。"))
        opinion = residents.opinion_submit(
            station=station,
            delegate=delegate,
            topic=values["topic"],
            text=values["text"],
            place=values["place"],
            name=values["name"],
            mobile=values["mobile"],
            anonymous=values["anonymous"],
            verification_id=_verification_id(values["verification"]),
            code=values["sms_code"],
            photos=values["photos"],
            address=_address(request),
        )
        return Response(ss.OpinionSubmittedSerializer(opinion).data, status=status.HTTP_201_CREATED)
