"""Alibaba Cloud SMS (Dysmsapi 2017-05-25) through its maintained SDK, ``alibabacloud-dysmsapi20170525``.

The SDK signs each request (ACS3-HMAC-SHA256); its own retries are off, so a
timeout is never re-sent blindly: the delivery asks ``QuerySendDetails`` for the
message's OutId first. Settings: ``SMS_ACCESS_KEY_ID``, ``SMS_ACCESS_KEY_SECRET``,
``SMS_ENDPOINT`` (default ``dysmsapi.aliyuncs.com``), ``SMS_PROTOCOL``,
``SMS_SIGN_NAME``, ``SMS_TEMPLATES``.
"""

import datetime
import json

from django.conf import settings
from django.utils import timezone

from suggestions.reminders.sms import BaseSMSBackend, Report, SMSError, SMSMessage, TransientSMSError, templates
from suggestions.reminders.sms.errors import classify_exception

# Codes that say "later": flow control, the service busy.
RETRY_CODES = {
    "isv.BUSINESS_LIMIT_CONTROL",
    "isv.DAY_LIMIT_CONTROL",
    "Throttling",
    "Throttling.User",
    "isp.SYSTEM_ERROR",
}
STATUS = {1: "pending", 2: "failed", 3: "delivered"}


class AliyunSMSBackend(BaseSMSBackend):
    """Send with a registered template and signature; read the send report by phone, day and OutId."""

    def _client(self):
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi.models import Config

        millis = int(templates.timeout() * 1000)
        config = Config(
            access_key_id=settings.SMS_ACCESS_KEY_ID,
            access_key_secret=settings.SMS_ACCESS_KEY_SECRET,
            endpoint=getattr(settings, "SMS_ENDPOINT", "") or "dysmsapi.aliyuncs.com",
            protocol=getattr(settings, "SMS_PROTOCOL", "") or "https",
            read_timeout=millis,
            connect_timeout=millis,
        )
        return Client(config)

    def _runtime(self):
        from darabonba.runtime import RuntimeOptions

        millis = int(templates.timeout() * 1000)
        return RuntimeOptions(autoretry=False, max_attempts=0, read_timeout=millis, connect_timeout=millis)

    def send_message(self, message: SMSMessage) -> str:
        """SendSms with the kind's template; returns the BizId."""
        from alibabacloud_dysmsapi20170525 import models

        template = templates.template_for(message.kind)
        request = models.SendSmsRequest(
            phone_numbers=message.phone,
            sign_name=templates.sign_name(),
            template_code=template.id,
            template_param=json.dumps(templates.values(message, template), ensure_ascii=False),
            out_id=message.out_id or None,
        )
        try:
            body = self._client().send_sms_with_options(request, self._runtime()).body
        except Exception as exc:  # noqa: BLE001 - sorted into "later", "unknown" and "never"
            raise classify_exception(exc, retry_codes=RETRY_CODES) from exc
        if body.code == "OK":
            return body.biz_id or ""
        error = f"{body.code}: {body.message}"
        if body.code in RETRY_CODES:
            raise TransientSMSError(error)
        raise SMSError(error)

    def report(self, message: SMSMessage, *, provider_id: str = "", sent_at=None) -> Report | None:
        """QuerySendDetails for the phone and day; the row with our OutId (or BizId) says what became of it."""
        from alibabacloud_dysmsapi20170525 import models

        day = timezone.localdate(sent_at) if sent_at else timezone.localdate()
        for send_date in (day, day - datetime.timedelta(days=1)):
            request = models.QuerySendDetailsRequest(
                phone_number=message.phone,
                biz_id=provider_id or None,
                send_date=send_date.strftime("%Y%m%d"),
                page_size=50,
                current_page=1,
            )
            try:
                body = self._client().query_send_details_with_options(request, self._runtime()).body
            except Exception as exc:  # noqa: BLE001
                raise classify_exception(exc, retry_codes=RETRY_CODES) from exc
            if body.code != "OK":
                raise TransientSMSError(f"{body.code}: {body.message}")
            rows = body.sms_send_detail_dtos.sms_send_detail_dto if body.sms_send_detail_dtos else []
            for row in rows or []:
                if (message.out_id and row.out_id == message.out_id) or (provider_id and not message.out_id):
                    status = STATUS.get(int(row.send_status or 1), "pending")
                    reason = row.err_code if status == "failed" else ""
                    return Report(status=status, provider_id=provider_id, reason=reason or "", out_id=row.out_id or "")
        return None
