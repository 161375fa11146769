"""Check a channel's configuration from the command line: send one test message and say what the gateway answered."""

import time

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from suggestions.reminders import sms
from suggestions.reminders.sms.errors import classify_exception


class Command(BaseCommand):
    help = "Send one test message (--channel sms|email|wecom) to --to, and show the gateway's id and receipt."

    def add_arguments(self, parser):
        parser.add_argument("--channel", default="sms", choices=["sms", "email", "wecom"])
        parser.add_argument(
            "--to", required=True, help="A mobile number, an e-mail address, or an office code (wecom)."
        )
        parser.add_argument("--text", default="", help="The message (default: a short test notice).")
        parser.add_argument("--wait", type=int, default=0, help="Seconds to wait for the SMS delivery receipt.")

    def handle(self, *args, channel, to, text, wait, **options):
        text = text or _("【花溪人大】这是一条测试消息，收到即表示短信通道配置正确。")
        if channel == "email":
            send_mail(_("花溪人大测试邮件"), text, None, [to])
            self.stdout.write(f"e-mail handed to {settings.EMAIL_BACKEND} for {to}")
            return
        if channel == "wecom":
            from suggestions.reminders.channels.wecom import send_test

            self.stdout.write(send_test(office_code=to, text=text))
            return
        self._sms(to, text, wait)

    def _sms(self, phone, text, wait):
        backend = sms.get_sms_backend()
        message = sms.SMSMessage(phone=phone, text=sms.fit_sms(text), kind="notice", out_id=f"test-{int(time.time())}")
        try:
            provider_id = backend.send_message(message)
        except Exception as exc:  # noqa: BLE001 - said plainly, the exit status says it failed
            error = classify_exception(exc)
            kind = "transient (retry later)" if isinstance(error, sms.TransientSMSError) else "refused"
            raise CommandError(f"{settings.SMS_BACKEND}: {kind}: {error}") from exc
        self.stdout.write(
            f"sent through {settings.SMS_BACKEND}: out-id {message.out_id}, gateway id {provider_id or '-'}"
        )
        deadline = time.monotonic() + wait
        while wait:
            report = backend.report(message, provider_id=provider_id)
            if report is not None and report.status != "pending":
                self.stdout.write(f"receipt: {report.status} {report.reason}".rstrip())
                return
            if time.monotonic() >= deadline:
                self.stdout.write("receipt: none yet")
                return
            time.sleep(min(5, wait))
