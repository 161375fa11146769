"""Login attempts are throttled (django-axes) with a clear Chinese message."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_five_wrong_passwords_lock_the_login_with_a_chinese_message(client, settings):
    user = factories.UserFactory(username="zhangsan")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/accounts/login/", {"username": "zhangsan", "password": "wrong"})
        assert response.status_code == 200
        assert "请输入一个正确的" in response.content.decode()
    response = client.post("/accounts/login/", {"username": "zhangsan", "password": "wrong"})
    assert response.status_code == 429
    assert "密码错误次数过多" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post("/accounts/login/", {"username": "zhangsan", "password": "pw-123456"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert user.pk


def test_the_right_password_logs_in(client):
    factories.UserFactory(username="lisi")
    response = client.post("/accounts/login/", {"username": "lisi", "password": "pw-123456"})
    assert response.status_code == 302
