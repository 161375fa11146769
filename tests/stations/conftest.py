import pytest

from stations import actions, residents
from suggestions.reminders import sms
from tests import factories


@pytest.fixture
def station_delegate(db):
    return factories.DelegateFactory(name="王代表")


@pytest.fixture
def station_clerk(db):
    """A station staff account (联络员): no other role."""
    return factories.UserFactory(username="lianluoyuan", first_name="联络员")


@pytest.fixture
def station(db, staff, station_delegate, station_clerk, session):
    return actions.station_save(
        actor=staff,
        name="清溪社区代表联络站",
        address="花溪区清溪路1号",
        hours="每周三 9:00–12:00",
        allow_anonymous=True,
        delegates=[station_delegate],
        staff_users=[station_clerk],
    )


def last_code(mobile):
    """The one-time code the logging SMS backend 'sent' to ``mobile``."""
    import re

    for message in reversed(sms.outbox):
        if message.phone == mobile and "验证码" in message.text:
            code = re.search(r"(\d{6})", message.text).group(1)
            # Sent through the registered one-time-code template, the code its only variable.
            assert message.kind == "code" and message.params == {"code": code}
            return code
    raise AssertionError("no code sent")


@pytest.fixture
def send_opinion(django_capture_on_commit_callbacks):
    """``send_opinion(station, ...)``: a resident confirms the number with the SMS code and sends an opinion."""

    def send(station, *, mobile="13800138000", address="10.0.0.1", text="小区路灯坏了三盏，晚上很黑。", **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            verification = residents.verification_send(mobile=mobile, address=address)
        with django_capture_on_commit_callbacks(execute=True):
            return residents.opinion_submit(
                station=station,
                topic=kwargs.pop("topic", "路灯不亮"),
                text=text,
                place=kwargs.pop("place", "清溪小区"),
                name=kwargs.pop("name", "张三"),
                mobile=mobile,
                verification_id=verification.pk,
                code=kwargs.pop("code", None) or last_code(mobile),
                address=address,
                **kwargs,
            )

    return send
