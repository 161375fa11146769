"""Password rules: complexity, not the login name, not the last five, not common; expiry and forced change."""

import datetime

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from security.models import AccountSecurity, SecurityEvent, SecurityEventKind
from security.passwords import set_own_password
from suggestions.reminders import sms
from tests import factories

pytestmark = pytest.mark.django_db

GOOD = "Huaxi#2026a"


def codes(error):
    return {e.code for e in error.value.error_list}


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1#", "password_too_short"),
        ("abcdefgh12", "password_too_simple"),  # two classes
        ("ABCDEFGH", "password_too_simple"),
    ],
)
def test_a_password_needs_eight_characters_of_three_of_four_classes(password, code):
    user = factories.UserFactory(username="wangwu")
    with pytest.raises(ValidationError) as error:
        validate_password(password, user)
    assert code in codes(error)


def test_three_classes_of_eight_characters_are_enough():
    validate_password(GOOD, factories.UserFactory(username="wangwu"))
    validate_password("huaxi#2026", factories.UserFactory(username="zhaoliu"))  # lower, digit, symbol


def test_a_password_may_not_contain_the_login_name():
    user = factories.UserFactory(username="zhangmin")
    for password in ("Zhangmin#1", "nimgnahz#A1"):
        with pytest.raises(ValidationError) as error:
            validate_password(password, user)
        assert "password_contains_username" in codes(error)


def test_a_common_password_is_refused_even_with_three_classes():
    with pytest.raises(ValidationError) as error:
        validate_password("Abcd1234", factories.UserFactory(username="wangwu"))
    assert "password_too_common" in codes(error)


def test_none_of_the_last_five_passwords_may_come_back():
    user = factories.UserFactory(username="wangwu")
    used = [f"Huaxi#{n}xyz" for n in range(6)]
    for password in used:
        set_own_password(user=user, password=password)
    for password in used[1:]:
        with pytest.raises(ValidationError) as error:
            validate_password(password, user)
        assert "password_reused" in codes(error)
    validate_password(used[0], user)  # six passwords ago: allowed again


def test_a_password_set_by_someone_else_must_be_changed_but_ones_own_need_not():
    user = factories.UserFactory(username="wangwu")
    user.set_password(GOOD)  # an administrator's reset, an import, create_admins
    user.save()
    assert AccountSecurity.objects.get(user=user).must_change_password
    set_own_password(user=user, password="Huaxi#2027b")
    assert not AccountSecurity.objects.get(user=user).must_change_password


def login(client, username, password="pw-123456"):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_after_an_administrator_reset_the_first_page_is_the_password_change(client, staff, enforce):
    staff.set_password(GOOD)
    staff.save()
    assert login(client, staff.username, GOOD).status_code == 302
    response = client.get(reverse("staff:inbox"))
    assert response.status_code == 302 and response["Location"] == reverse("security:password_change")
    page = client.get(reverse("security:password_change")).content.decode()
    assert "须先修改密码" in page
    response = client.post(
        reverse("security:password_change"),
        {"old_password": GOOD, "new_password1": "Renda@2026x", "new_password2": "Renda@2026x"},
    )
    assert response.status_code == 302
    assert client.get(reverse("staff:inbox")).status_code == 200
    assert SecurityEvent.objects.filter(event=SecurityEventKind.PASSWORD_CHANGE, actor_id=staff.pk).exists()


def test_an_expired_password_forces_a_change_after_90_days(client, staff, enforce):
    set_own_password(user=staff, password=GOOD)
    AccountSecurity.objects.filter(user=staff).update(password_changed_at=timezone.now() - datetime.timedelta(days=91))
    login(client, staff.username, GOOD)
    response = client.get(reverse("staff:inbox"))
    assert response["Location"] == reverse("security:password_change")
    assert "超过有效期" in client.get(reverse("security:password_change")).content.decode()


def test_a_password_changed_89_days_ago_is_still_valid(client, staff, enforce):
    set_own_password(user=staff, password=GOOD)
    AccountSecurity.objects.filter(user=staff).update(password_changed_at=timezone.now() - datetime.timedelta(days=89))
    login(client, staff.username, GOOD)
    assert client.get(reverse("staff:inbox")).status_code == 200


def test_the_new_password_must_follow_the_rules_on_the_change_page(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("security:password_change"),
        {"old_password": "pw-123456", "new_password1": "abcdefgh", "new_password2": "abcdefgh"},
    )
    assert response.status_code == 200
    assert "至少 3 类" in response.content.decode()


def test_the_demo_rules_under_local_settings_do_not_force_a_change(client, staff, settings):
    settings.SECURITY_ENFORCE_PASSWORD_CHANGE = False
    staff.set_password("demo12345")
    staff.save()
    login(client, staff.username, "demo12345")
    assert client.get(reverse("staff:inbox")).status_code == 200


def _code_from(text):
    import re

    return re.search(r"\d{6}", text).group(0)


def forgot(client, username, channel, capture):
    with capture(execute=True):
        return client.post(reverse("security:password_forgot"), {"username": username, "channel": channel})


def test_a_forgotten_password_is_reset_with_a_code_sent_by_email_used_once(
    client, staff, django_capture_on_commit_callbacks
):
    response = forgot(client, staff.username, "email", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [staff.email]
    code = _code_from(mail.outbox[0].body)
    new = {"code": code, "new_password1": "Renda@2026x", "new_password2": "Renda@2026x"}
    assert client.post(reverse("security:password_reset"), new).status_code == 302
    assert login(client, staff.username, "Renda@2026x").status_code == 302
    # The code worked once.
    client.logout()
    forgot(client, staff.username, "email", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    response = client.post(
        reverse("security:password_reset"), {**new, "new_password1": "Other@2026y", "new_password2": "Other@2026y"}
    )
    assert "验证码无效或已过期" in response.content.decode()
    assert SecurityEvent.objects.filter(event=SecurityEventKind.PASSWORD_RESET, target_id=str(staff.pk)).exists()


def test_a_forgotten_password_code_can_come_by_sms(client, office, django_capture_on_commit_callbacks):
    member = factories.OfficeMemberFactory(office=office, phone="13800001234")
    sms.outbox.clear()
    forgot(client, member.user.username, "sms", django_capture_on_commit_callbacks)
    phone, text = sms.outbox[-1].phone, sms.outbox[-1].text
    assert phone == "13800001234" and "验证码" in text
    # Sent through the registered one-time-code template, the code its only variable.
    assert sms.outbox[-1].kind == "code" and sms.outbox[-1].params == {"code": _code_from(text)}
    new = {"code": _code_from(text), "new_password1": "Renda@2026x", "new_password2": "Renda@2026x"}
    assert client.post(reverse("security:password_reset"), new).status_code == 302


def test_a_reset_code_expires(client, staff, settings, django_capture_on_commit_callbacks):
    forgot(client, staff.username, "email", django_capture_on_commit_callbacks)
    code = _code_from(mail.outbox[0].body)
    later = timezone.now() + datetime.timedelta(minutes=settings.PASSWORD_RESET_CODE_MINUTES + 1)
    with time_machine.travel(later):
        response = client.post(
            reverse("security:password_reset"),
            {"code": code, "new_password1": "Renda@2026x", "new_password2": "Renda@2026x"},
        )
    assert "验证码无效或已过期" in response.content.decode()


def test_the_forgotten_password_page_answers_alike_for_unknown_accounts(client, staff):
    known = client.post(
        reverse("security:password_forgot"), {"username": staff.username, "channel": "email"}, follow=True
    )
    client.cookies.clear()
    unknown = client.post(reverse("security:password_forgot"), {"username": "nobody", "channel": "email"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    message = "如果账号存在并登记了联系方式，验证码已发出"
    assert message in known.content.decode() and message in unknown.content.decode()


def test_reset_codes_are_sent_at_most_once_a_minute_and_five_times_an_hour(
    client, staff, django_capture_on_commit_callbacks
):
    forgot(client, staff.username, "email", django_capture_on_commit_callbacks)
    forgot(client, staff.username, "email", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    for minute in range(2, 12, 2):
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=minute)):
            forgot(client, staff.username, "email", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 5
    assert SecurityEvent.objects.filter(event=SecurityEventKind.PASSWORD_RESET, outcome="refused").count() == 2
