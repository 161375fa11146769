"""The SMS backends of a local run and of the tests: the logging one keeps nothing, the in-memory one an outbox."""

import logging

from suggestions.reminders import sms


def test_logging_backend_only_logs_and_keeps_nothing(caplog):
    backend = sms.LoggingSMSBackend()
    with caplog.at_level(logging.INFO, logger="huaxi.sms"):
        for n in range(3):
            backend.send("13900000001", f"第{n}条")
    assert "第2条" in caplog.text
    assert not hasattr(sms.LoggingSMSBackend, "sent")


def test_memory_backend_keeps_what_it_sent_in_the_outbox_with_its_kind():
    sms.outbox.clear()
    sms.MemorySMSBackend().send("13900000001", "激活", message_id="activation-abc")
    (message,) = sms.outbox
    assert (message.phone, message.text, message.kind, message.out_id) == (
        "13900000001",
        "激活",
        "activation",
        "activation-abc",
    )
    sms.outbox.clear()
