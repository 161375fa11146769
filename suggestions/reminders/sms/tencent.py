"""Tencent Cloud SMS (API 2021-01-11) through its SDK, ``tencentcloud-sdk-python-sms``.

The SDK signs each request (TC3-HMAC-SHA256) and does not retry by itself. Our
out-id travels as ``SessionContext`` and comes back in the send report, which
``PullSmsSendStatusByPhoneNumber`` returns (an intranet deployment receives no
callbacks). Settings: ``SMS_ACCESS_KEY_ID`` (SecretId), ``SMS_ACCESS_KEY_SECRET``
(SecretKey), ``SMS_APP_ID`` (SmsSdkAppId), ``SMS_REGION``, ``SMS_ENDPOINT``
(default ``sms.tencentcloudapi.com``), ``SMS_PROTOCOL``, ``SMS_SIGN_NAME``, ``SMS_TEMPLATES``.
"""

import datetime

from django.conf import settings
from django.utils import timezone

from suggestions.reminders.sms import BaseSMSBackend, Report, SMSError, SMSMessage, TransientSMSError, templates
from suggestions.reminders.sms.errors import classify_exception

RETRY_PREFIXES = ("LimitExceeded.", "RequestLimitExceeded", "InternalError", "FailedOperation.InsufficientBalance")
REPORT_DAYS = 2


def _e164(phone):
    return phone if phone.startswith("+") else f"+86{phone}"


def _retry_code(code):
    return any(str(code).startswith(prefix) for prefix in RETRY_PREFIXES)


class TencentSMSBackend(BaseSMSBackend):
    """Send with a registered template id and signature; pull the number's send reports."""

    def _client(self):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        http = HttpProfile(
            endpoint=getattr(settings, "SMS_ENDPOINT", "") or "sms.tencentcloudapi.com",
            reqTimeout=max(1, round(templates.timeout())),
        )
        http.scheme = getattr(settings, "SMS_PROTOCOL", "") or "https"
        cred = credential.Credential(settings.SMS_ACCESS_KEY_ID, settings.SMS_ACCESS_KEY_SECRET)
        return sms_client.SmsClient(
            cred, getattr(settings, "SMS_REGION", "") or "ap-guangzhou", ClientProfile(httpProfile=http)
        )

    def _call(self, method, request):
        try:
            return getattr(self._client(), method)(request)
        except Exception as exc:  # noqa: BLE001 - sorted into "later", "unknown" and "never"
            code = getattr(exc, "code", "") or ""
            if code == "ServerNetworkError":
                raise TransientSMSError(f"{code}: {getattr(exc, 'message', exc)}") from exc
            if _retry_code(code):
                raise TransientSMSError(f"{code}: {getattr(exc, 'message', exc)}") from exc
            raise classify_exception(exc) from exc

    def send_message(self, message: SMSMessage) -> str:
        """SendSms to one number; returns the SerialNo."""
        from tencentcloud.sms.v20210111 import models

        template = templates.template_for(message.kind)
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [_e164(message.phone)]
        request.SmsSdkAppId = str(settings.SMS_APP_ID)
        request.SignName = templates.sign_name()
        request.TemplateId = template.id
        request.TemplateParamSet = list(templates.values(message, template).values())
        request.SessionContext = message.out_id
        response = self._call("SendSms", request)
        (status,) = response.SendStatusSet
        if status.Code == "Ok":
            return status.SerialNo or ""
        error = f"{status.Code}: {status.Message}"
        if _retry_code(status.Code):
            raise TransientSMSError(error)
        raise SMSError(error)

    def report(self, message: SMSMessage, *, provider_id: str = "", sent_at=None) -> Report | None:
        """PullSmsSendStatusByPhoneNumber since the send; our SessionContext (or the SerialNo) finds the message."""
        from tencentcloud.sms.v20210111 import models

        since = (sent_at or timezone.now()) - datetime.timedelta(days=1)
        request = models.PullSmsSendStatusByPhoneNumberRequest()
        request.PhoneNumber = _e164(message.phone)
        request.SmsSdkAppId = str(settings.SMS_APP_ID)
        request.BeginTime = int(since.timestamp())
        request.EndTime = int((since + datetime.timedelta(days=REPORT_DAYS + 1)).timestamp())
        request.Offset = 0
        request.Limit = 100
        response = self._call("PullSmsSendStatusByPhoneNumber", request)
        for row in response.PullSmsSendStatusSet or []:
            if (message.out_id and row.SessionContext == message.out_id) or (
                provider_id and row.SerialNo == provider_id
            ):
                if row.ReportStatus == "SUCCESS":
                    return Report(status="delivered", provider_id=row.SerialNo or "", out_id=row.SessionContext or "")
                return Report(
                    status="failed",
                    provider_id=row.SerialNo or "",
                    reason=row.Description or "",
                    out_id=row.SessionContext,
                )
        return None
