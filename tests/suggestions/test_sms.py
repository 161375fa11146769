"""The logging SMS backend: keeps only the last messages it logged, so a long-running worker does not grow."""

from suggestions.reminders.sms import LoggingSMSBackend


def test_logging_backend_keeps_only_the_last_messages():
    LoggingSMSBackend.sent.clear()
    backend = LoggingSMSBackend()
    for n in range(LoggingSMSBackend.SENT_KEPT + 50):
        backend.send("13900000001", f"第{n}条")
    assert len(LoggingSMSBackend.sent) == LoggingSMSBackend.SENT_KEPT
    assert LoggingSMSBackend.sent[-1] == ("13900000001", f"第{LoggingSMSBackend.SENT_KEPT + 49}条")
    LoggingSMSBackend.sent.clear()
