"""The residents' writes: the one-time code, sending an opinion with photos, adding to it, withdrawing, rating.

Residents have no account: possession of the tracking code is the permission, ``resident_require`` says what
may happen now. The limits per number and per address are ``stations.actions.limit`` settings.
"""

from __future__ import annotations

import datetime
import io
import secrets
import uuid
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from stations.actions import (
    MOBILE,
    PHOTO_FORMATS,
    _audit,
    _lock,
    _set_status,
    _sms_after_commit,
    _text,
    address_hash,
    deadlines,
    handlers_of,
    limit,
    notify,
    sms_signature_of,
)
from stations.models import OpinionEntry, OpinionPhoto, PhoneVerification, ResidentOpinion, Station
from suggestions.errors import InvalidInput
from suggestions.policy.rules_stations import RESIDENT_ADD, RESIDENT_RATE, RESIDENT_WITHDRAW, resident_require
from suggestions.reminders.texts import FIRST_SIGNATURE

OS = ResidentOpinion.Status


@transaction.atomic
def verification_send(*, mobile: str, address: str | None, station: Station | None = None) -> PhoneVerification:
    """Send a one-time code to ``mobile``, within the limits per number and per client address; the text is
    signed with the name of the station's congress (the first congress's when no station is given)."""
    mobile = (mobile or "").strip().replace(" ", "")
    if not MOBILE.match(mobile):
        raise InvalidInput(_("请填写正确的11位手机号码。"))
    now = timezone.now()
    hashed = address_hash(address)
    hour_ago = now - datetime.timedelta(hours=1)
    sent = PhoneVerification.objects.with_mobile(mobile).filter(created_at__gte=hour_ago)
    latest = sent.order_by("-created_at").first()
    if latest and (now - latest.created_at).total_seconds() < limit("otp_interval_seconds"):
        raise InvalidInput(_("验证码已发送，请%(n)s秒后再试。") % {"n": limit("otp_interval_seconds")})
    if sent.count() >= limit("otp_per_mobile_hour"):
        raise InvalidInput(_("该手机号码获取验证码过于频繁，请一小时后再试。"))
    if PhoneVerification.objects.filter(address_hash=hashed, created_at__gte=hour_ago).count() >= limit(
        "otp_per_address_hour"
    ):
        raise InvalidInput(_("您所在网络获取验证码过于频繁，请稍后再试。"))
    code = f"{secrets.randbelow(10**6):06d}"
    verification = PhoneVerification.objects.create(
        mobile=mobile,
        code_hash="-",
        address_hash=hashed,
        created_at=now,
        expires_at=now + datetime.timedelta(minutes=limit("otp_minutes")),
    )
    verification.code_hash = _code_hash(verification, code)
    verification.save(update_fields=["code_hash"])
    _audit(action="verification_send", data={"verification": verification.pk})
    _sms_after_commit(
        mobile,
        _("【%(signature)s】您的验证码是%(code)s，%(minutes)s分钟内有效。")
        % {
            "signature": sms_signature_of(station) if station else FIRST_SIGNATURE,
            "code": code,
            "minutes": limit("otp_minutes"),
        },
        kind="code",
        params={"code": code},
    )
    return verification


def _code_hash(verification: PhoneVerification, code: str) -> str:
    return salted_hmac("stations.otp", f"{verification.pk}:{verification.mobile}:{code}").hexdigest()


def verification_check(*, verification_id: int | None, code: str, mobile: str) -> PhoneVerification:
    """Check a one-time code; a wrong code counts as an attempt (committed) whatever the caller does next."""
    with transaction.atomic():
        verification, refusal = _check_code(verification_id, code, mobile)
    if refusal:
        raise InvalidInput(refusal)
    return verification


def _check_code(verification_id: int | None, code: str, mobile: str) -> tuple[PhoneVerification | None, str]:
    if not verification_id:
        return None, _("请先获取手机验证码。")
    verification = PhoneVerification.objects.select_for_update().filter(pk=verification_id).first()
    if verification is None or verification.mobile != mobile or verification.used_at:
        return None, _("验证码已失效，请重新获取。")
    if verification.expires_at < timezone.now():
        return None, _("验证码已过期，请重新获取。")
    if verification.attempts >= limit("otp_attempts"):
        return None, _("验证码输错次数过多，请重新获取。")
    if not constant_time_compare(verification.code_hash, _code_hash(verification, (code or "").strip())):
        verification.attempts += 1
        verification.save(update_fields=["attempts"])
        return None, _("验证码不正确，请检查短信后重新输入。")
    verification.verified_at = verification.verified_at or timezone.now()
    verification.save(update_fields=["verified_at"])
    return verification, ""


def clean_photo(upload: Any) -> ContentFile:
    """The photo re-encoded from its pixels (no EXIF, no location), or ``InvalidInput``."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    name = getattr(upload, "name", "") or _("照片")
    if upload.size > limit("photo_bytes"):
        raise InvalidInput(
            _("照片“%(name)s”超过%(mb)sMB，请压缩后再上传。") % {"name": name, "mb": limit("photo_bytes") // 1048576}
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in PHOTO_FORMATS:
                raise InvalidInput(_("“%(name)s”不是照片（支持JPG、PNG、GIF、WEBP）。") % {"name": name})
            if probe.width * probe.height > limit("photo_pixels"):
                raise InvalidInput(_("照片“%(name)s”像素过大。") % {"name": name})
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image).convert("RGB")
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85)  # no exif= argument: the metadata is not written
    except InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise InvalidInput(_("“%(name)s”不是有效的照片，请重新选择。") % {"name": name})
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def opinion_submit(
    *,
    station: Station,
    topic: str,
    text: str,
    place: str = "",
    name: str = "",
    mobile: str = "",
    anonymous: bool = False,
    verification_id: int | None = None,
    code: str = "",
    photos: Sequence = (),
    address: str | None = None,
    delegate: Any = None,
) -> ResidentOpinion:
    """A resident sends an opinion: the number confirmed by its code (unless anonymous where allowed)."""
    if not anonymous:
        mobile = (mobile or "").strip().replace(" ", "")
        if not MOBILE.match(mobile):
            raise InvalidInput(_("请填写正确的11位手机号码。"))
        verification_check(verification_id=verification_id, code=code, mobile=mobile)
    with transaction.atomic():
        return _opinion_create(
            station=station,
            topic=topic,
            text=text,
            place=place,
            name=name,
            mobile=mobile,
            anonymous=anonymous,
            verification_id=verification_id,
            photos=photos,
            address=address,
            delegate=delegate,
        )


def _opinion_create(
    *, station, topic, text, place, name, mobile, anonymous, verification_id, photos, address, delegate
):
    station = Station.objects.select_for_update().get(pk=station.pk)
    if not station.is_active:
        raise InvalidInput(_("该联络站已停止接收意见。"))
    if delegate is not None and not station.memberships.filter(delegate=delegate).exists():
        raise InvalidInput(_("该代表不在此联络站。"))
    topic = _text(topic, _("主题"), max_length=100)
    text = _text(text, _("内容"), max_length=limit("text_chars"))
    place = _text(place, _("地点或小区"), max_length=100, required=False)
    now = timezone.now()
    hashed = address_hash(address)
    day_ago = now - datetime.timedelta(days=1)
    if ResidentOpinion.objects.filter(address_hash=hashed, received_at__gte=day_ago).count() >= limit(
        "opinions_per_address_day"
    ):
        raise InvalidInput(_("您所在网络今天提交的意见过多，请明天再试或到联络站当面反映。"))
    if len(photos) > limit("photos"):
        raise InvalidInput(_("最多上传%(n)s张照片。") % {"n": limit("photos")})
    if anonymous:
        if not station.allow_anonymous:
            raise InvalidInput(_("该联络站不接收匿名意见，请填写姓名和手机号码。"))
        name, mobile, verification = "", "", None
    else:
        name = _text(name, _("姓名"), max_length=50)
        mobile = (mobile or "").strip().replace(" ", "")
        if not MOBILE.match(mobile):
            raise InvalidInput(_("请填写正确的11位手机号码。"))
        if ResidentOpinion.objects.with_mobile(mobile).filter(received_at__gte=day_ago).count() >= limit(
            "opinions_per_mobile_day"
        ):
            raise InvalidInput(_("该手机号码今天提交的意见已达上限，请明天再试。"))
        verification = (
            PhoneVerification.objects.select_for_update()
            .with_mobile(mobile)
            .filter(pk=verification_id, used_at__isnull=True, verified_at__isnull=False)
            .first()
        )
        if verification is None:
            raise InvalidInput(_("验证码已失效，请重新获取。"))
    cleaned = [clean_photo(p) for p in photos]
    first_due, answer_due = deadlines(station=station, received=timezone.localdate(now))
    opinion = ResidentOpinion.objects.create(
        station=station,
        delegate=delegate,
        topic=topic,
        text=text,
        place=place,
        resident_name=name,
        resident_mobile=mobile,
        anonymous=anonymous,
        address_hash=hashed,
        received_at=now,
        first_response_due=first_due,
        answer_due=answer_due,
    )
    for content in cleaned:
        photo = OpinionPhoto(opinion=opinion, content_type="image/jpeg")
        photo.image.save(content.name, content, save=True)
    if verification is not None:
        verification.used_at = now
        verification.save(update_fields=["used_at"])
    _audit(action="opinion_submit", opinion=opinion, to_status=OS.RECEIVED, data={"photos": len(cleaned)})
    notify(
        handlers_of(opinion),
        title=_("联络站收到新的群众意见：%(topic)s") % {"topic": topic[:60]},
        url=opinion.get_absolute_url(),
    )
    _sms_after_commit(
        mobile,
        _("【%(signature)s】您的意见已收到，查询码%(code)s，可在“意见查询”页面查看办理情况。")
        % {"signature": sms_signature_of(opinion.station), "code": opinion.tracking_code},
    )
    return opinion


@transaction.atomic
def opinion_add_info(*, opinion: ResidentOpinion, text: str) -> OpinionEntry:
    """The resident adds information while the opinion is open."""
    opinion = _lock(opinion)
    resident_require(action=RESIDENT_ADD, opinion=opinion)
    text = _text(text, _("补充内容"), max_length=limit("addition_chars"))
    if opinion.entries.filter(kind=OpinionEntry.Kind.ADDITION).count() >= limit("additions"):
        raise InvalidInput(_("补充次数已达上限，请到联络站当面反映。"))
    entry = OpinionEntry.objects.create(opinion=opinion, kind=OpinionEntry.Kind.ADDITION, text=text)
    _audit(action="opinion_add_info", opinion=opinion)
    notify(
        handlers_of(opinion),
        title=_("群众补充了意见：%(topic)s") % {"topic": opinion.topic[:60]},
        url=opinion.get_absolute_url(),
    )
    return entry


@transaction.atomic
def opinion_withdraw(*, opinion: ResidentOpinion) -> ResidentOpinion:
    """The resident withdraws an open opinion."""
    opinion = _lock(opinion)
    resident_require(action=RESIDENT_WITHDRAW, opinion=opinion)
    opinion.closed_at = timezone.now()
    _set_status(opinion, OS.WITHDRAWN, actor=None, action="opinion_withdraw")
    return opinion


@transaction.atomic
def opinion_rate(*, opinion: ResidentOpinion, value: str, comment: str = "") -> ResidentOpinion:
    """The resident rates the final answer (满意 / 基本满意 / 不满意, a comment for 不满意); the opinion closes."""
    opinion = _lock(opinion)
    resident_require(action=RESIDENT_RATE, opinion=opinion)
    if value not in ResidentOpinion.Rating.values:
        raise InvalidInput(_("请选择评价。"))
    comment = _text(comment, _("评价意见"), max_length=500, required=value == ResidentOpinion.Rating.UNSATISFIED)
    opinion.rating, opinion.rating_comment = value, comment
    opinion.rated_at = opinion.closed_at = timezone.now()
    _set_status(opinion, OS.CLOSED, actor=None, action="opinion_rate", note=value)
    if value == ResidentOpinion.Rating.UNSATISFIED:
        notify(
            handlers_of(opinion),
            title=_("群众对意见答复不满意：%(topic)s") % {"topic": opinion.topic[:60]},
            url=opinion.get_absolute_url(),
            body=comment,
        )
    return opinion
