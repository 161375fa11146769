"""Progress reminders (催办): what is due when, the scan that records it, and the idempotent senders.

The database is the source of truth. ``scan`` records each due reminder once,
under a unique key (what, for which object, which stage), with one delivery row
per recipient and channel; ``dispatch_pending`` hands every delivery that is not
sent yet to a sender.

- ``schedule``: calendar arithmetic and the sessions' reminder settings (what is due when);
- ``scan`` with ``scan_offices`` / ``scan_delegates``: the rows of the schedule, ``plans``: who gets what;
- ``record``: the reminder once per key and its delivery rows;
- ``delivery``: claiming, sending, digests, retries, dispatch;
- ``channels``: one class per channel (in-app, e-mail, SMS, 企业微信 robot and application) behind
  ``channels.registry``;
- ``sms``: the SMS gateways behind the SMS channel (Alibaba Cloud, Tencent Cloud, a generic HTTP
  platform, the log); ``texts``: what a reminder says;
- ``preferences``: people's channels, quiet hours, the daily cap; ``receipts``: delivery receipts
  and flagged numbers; ``resend``: staff send an undelivered reminder again.
"""

from suggestions.reminders.channels import TransientDeliveryError  # noqa: F401
from suggestions.reminders.delivery import (  # noqa: F401
    claim,
    digest_send,
    dispatch_pending,
    failed_count,
    is_immediate,
    label_deliveries,
    reminder_deliver,
    reminders_deliver,
    run_inline,
    run_queued,
    send_one,
    sent_label,
)
from suggestions.reminders.record import record, reminder_ensure_deliveries  # noqa: F401
from suggestions.reminders.scan import Scanner, scan  # noqa: F401
from suggestions.reminders.schedule import before_stage_dates, day_start, every_stage, workday_cutoff  # noqa: F401
from suggestions.reminders.texts import message_id, suggestion_label  # noqa: F401
