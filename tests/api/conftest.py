import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from api import services
from stations import actions as station_actions
from stations import residents
from suggestions import actions
from suggestions.models import CoSigner, Notification
from tests import factories
from tests.conftest import carry_to_reply, publish


def bearer(user, name="测试手机"):
    """A client that sends a device token made for ``user`` (as the token page makes it)."""
    _token, raw = services.token_create(user=user, name=name)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_as():
    return bearer


@pytest.fixture
def world(session, delegate, other_delegate, staff, office, co_office, other_office):
    """S: assigned to a lead office (replied, published) and a co-office (pending), with a confirmed co-signer;
    D: the delegate's draft with an open invitation to the co-signer."""
    cosigner = factories.DelegateFactory()
    people = {
        "delegate": delegate.user,
        "cosigner": cosigner.user,
        "other_delegate": other_delegate.user,
        "clerk": factories.OfficeMemberFactory(office=office).user,
        "co_clerk": factories.OfficeMemberFactory(office=co_office).user,
        "other_clerk": factories.OfficeMemberFactory(office=other_office).user,
        "staff": staff,
    }
    s = factories.SuggestionFactory(session=session, lead_delegate=delegate)
    attachment = actions.attachment_add(
        suggestion=s,
        actor=delegate.user,
        uploaded_file=SimpleUploadedFile("照片.pdf", factories.SIGNED_LETTER_PDF),
        content_type="application/pdf",
    )
    invitation = actions.cosigner_invite(suggestion=s, actor=delegate.user, delegates=[cosigner])[0]
    actions.cosigner_respond(cosigner=invitation, actor=cosigner.user, accept=True)
    actions.suggestion_submit(suggestion=s, actor=delegate.user)
    actions.suggestion_register(suggestion=s, actor=staff)
    actions.suggestion_assign(suggestion=s, actor=staff, lead_office=office, co_offices=[co_office])
    s.refresh_from_db()
    lead = s.assignments.get(office=office)
    reply = carry_to_reply(s, lead, people["clerk"])
    publish(reply, staff)
    d = factories.SuggestionFactory(session=session, lead_delegate=delegate)
    open_invitation = actions.cosigner_invite(suggestion=d, actor=delegate.user, delegates=[cosigner])[0]
    assert open_invitation.status == CoSigner.Status.INVITED
    station = station_actions.station_save(
        actor=staff, name="清溪社区代表联络站", address="花溪区清溪路1号", hours="每周三上午", delegates=[delegate]
    )
    forwarded = resident_opinion(station, mobile="13800000051")
    station_actions.opinion_forward(opinion=forwarded, actor=delegate.user, office=office)
    received = resident_opinion(station, mobile="13800000052")
    notification = Notification.objects.create(user=delegate.user, title="通知")
    ids = {
        "S": s.pk,
        "D": d.pk,
        "A": lead.pk,
        "CA": s.assignments.get(office=co_office).pk,
        "R": reply.pk,
        "INV": open_invitation.pk,
        "N": notification.pk,
        "ATT": attachment.pk,
        "ST": station.pk,
        "OP": forwarded.pk,
        "CODE": received.tracking_code,
    }
    return people, ids, other_delegate


def _last_code(mobile):
    import re

    from suggestions.reminders import sms

    for phone, text in reversed([(m.phone, m.text) for m in sms.outbox]):
        if phone == mobile and "验证码" in text:
            return re.search(r"(\d{6})", text).group(1)
    raise AssertionError("no code sent")


def resident_opinion(station, *, mobile="13800138000", name="张三", text="小区路灯坏了，电话13912345678。", **kwargs):
    """A resident's opinion sent as the form sends it: the number confirmed by the SMS code first."""
    from django.test import TestCase

    address = f"10.9.{int(mobile[-4:-2])}.{int(mobile[-2:])}"
    with TestCase.captureOnCommitCallbacks(execute=True):
        verification = residents.verification_send(mobile=mobile, address=address)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return residents.opinion_submit(
            station=station,
            topic=kwargs.pop("topic", "路灯不亮"),
            text=text,
            place=kwargs.pop("place", "清溪小区"),
            name=name,
            mobile=mobile,
            verification_id=verification.pk,
            code=_last_code(mobile),
            address=address,
            **kwargs,
        )
