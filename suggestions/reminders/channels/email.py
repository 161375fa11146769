"""E-mail: urgent reminders at once, the others in one daily digest per person."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suggestions.reminders import texts
from suggestions.reminders.channels.base import Channel


class EmailChannel(Channel):
    code = "email"
    label = gettext_lazy("电子邮件")
    digest = True

    def address(self, recipient) -> str | None:
        """The user's e-mail address, if they have one."""
        return recipient.user.email or None

    def display_address(self, address: str) -> str:
        """c***@example.cn: pages need to know where it went, not the whole address."""
        from security.privacy import mask_email

        return mask_email(address)

    def send(self, delivery) -> str:
        """One e-mail with a Message-ID fixed by the delivery, so a retry is the same message."""
        EmailMessage(
            subject=texts.title(delivery.reminder),
            body=texts.email_body([delivery.reminder]),
            to=[delivery.address or delivery.recipient.email],
            headers={"Message-ID": texts.message_id("reminder", delivery.pk)},
        ).send()
        return ""

    def send_digest(self, user, deliveries, *, message_id: str) -> None:
        """Today's reminders in one e-mail."""
        reminders = [d.reminder for d in deliveries]
        EmailMessage(
            subject=_("【催办】今日待办提醒（%(count)s项）") % {"count": len(reminders)},
            body=texts.email_body(reminders),
            to=[user.email],
            headers={"Message-ID": message_id},
        ).send()

    def is_transient(self, exc: Exception) -> bool:
        """SMTP 4xx and network errors pass; a refused recipient or a 5xx does not."""
        if isinstance(exc, smtplib.SMTPResponseException):
            return 400 <= exc.smtp_code < 500
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            return False
        return super().is_transient(exc)

    def sent_label(self) -> str:
        """The console, in-memory, dummy and file backends only record; SMTP hands over."""
        from django.core.mail.backends import console, dummy, filebased, locmem

        recording = (console.EmailBackend, dummy.EmailBackend, filebased.EmailBackend, locmem.EmailBackend)
        try:
            backend = import_string(settings.EMAIL_BACKEND)
        except ImportError:
            backend = None
        if isinstance(backend, type) and issubclass(backend, recording):
            return _("仅记录")
        return _("已交给邮件服务")
