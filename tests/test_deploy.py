"""Production run: settings, `check --deploy`, collectstatic, gunicorn with the security headers, nginx and systemd files."""

import configparser
import http.client
import os
import re
import runpy
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
HOST = "renda.example.cn"


def production_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="huaxi_renda.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(40)[:50],
        DJANGO_ALLOWED_HOSTS=HOST,
        DB_POOL="0",
        LOG_LEVEL="WARNING",
        HUAXI_PII_KEYS="deploy1:" + secrets.token_hex(32),
        HUAXI_PII_LOOKUP_KEY=secrets.token_hex(32),
        HUAXI_INTEGRITY_KEYS="deploy1:" + secrets.token_hex(32),
    )
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def manage(*args, env, timeout=120):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,  # noqa: S603
        text=True,
        timeout=timeout,
    )


def test_check_deploy_with_production_settings_prints_no_warning():
    env = production_env()
    assert len(env["DJANGO_SECRET_KEY"]) == 50
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr.replace("AXES", "")


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_SECRET_KEY": "too-short"}, "DJANGO_SECRET_KEY must be set"),
        ({"DJANGO_ALLOWED_HOSTS": None}, "DJANGO_ALLOWED_HOSTS must be set"),
    ],
)
def test_production_settings_refuse_to_start_without_secret_key_or_hosts(missing, message):
    result = manage("check", env=production_env(**missing))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    result = manage("collectstatic", "--noinput", "-v0", env=production_env(DJANGO_STATIC_ROOT=str(root)), timeout=300)
    assert result.returncode == 0, result.stderr
    return root


def test_collectstatic_writes_hashed_files_and_a_manifest(static_root):
    assert (static_root / "staticfiles.json").exists()
    assert list((static_root / "css").glob("app.*.css")), "hashed app.css for long caching"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


LOGS = {}


def gunicorn_log(port):
    """What gunicorn wrote so far (its errors name the cause of a 500), for a failing assertion."""
    return LOGS[port].read_text()[-4000:]


@pytest.fixture
def gunicorn(db, static_root, tmp_path):
    """gunicorn with deploy/gunicorn.conf.py and production settings, on the test database.

    Through ``db``: a module run alone, with no test marked for the database, would otherwise leave the
    settings on the development database (pytest-django sets up only what the selected tests ask for).
    """
    port = free_port()
    database = django_settings.DATABASES["default"]
    env = production_env(
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_STATIC_ROOT=str(static_root),
        DJANGO_MEDIA_ROOT=str(tmp_path),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="2",
        GUNICORN_ACCESSLOG="",
        CELERY_BROKER_URL=django_settings.CELERY_BROKER_URL,  # the worker's own under pytest-xdist
    )
    log = tmp_path / "gunicorn.log"
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py"), "huaxi_renda.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("gunicorn did not start:\n" + log.read_text())
            time.sleep(0.2)
    LOGS[port] = log
    yield port
    process.terminate()
    process.wait(timeout=30)


def fetch(port, path, *, https=True):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": HOST}
    if https:
        headers["X-Forwarded-Proto"] = "https"  # what deploy/nginx.conf sets
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def test_gunicorn_serves_pages_with_security_headers_and_csp(gunicorn):
    response, body = fetch(gunicorn, "/accounts/login/")
    assert response.status == 200, gunicorn_log(gunicorn)
    csp = response.getheader("Content-Security-Policy")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.getheader("Strict-Transport-Security").startswith("max-age=31536000")
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "same-origin"
    assert response.getheader("Permissions-Policy")
    cookies = [v for k, v in response.getheaders() if k.lower() == "set-cookie"]
    assert cookies and all("Secure" in c for c in cookies)
    assert b"<script>" not in body and not re.search(rb"\son[a-z]+=\"", body), "no inline script or handler"
    # Static URLs carry the content hash (long-cacheable by nginx).
    assert re.search(rb"/static/css/app\.[0-9a-f]{12}\.css", body)


def test_gunicorn_redirects_plain_http_to_https(gunicorn):
    response, _body = fetch(gunicorn, "/public/", https=False)
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/public/"


def test_gunicorn_refuses_an_unknown_host(gunicorn):
    conn = http.client.HTTPConnection("127.0.0.1", gunicorn, timeout=30)
    conn.request("GET", "/public/", headers={"Host": "evil.example.com", "X-Forwarded-Proto": "https"})
    assert conn.getresponse().status == 400


def test_gunicorn_conf_reads_the_environment(monkeypatch):
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9999")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    conf = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert conf["bind"] == "127.0.0.1:9999" and conf["workers"] == 3
    assert conf["worker_class"] == "gthread" and conf["forwarded_allow_ips"] == "127.0.0.1"


def test_nginx_config_serves_static_with_long_cache_and_never_uploads():
    text = (DEPLOY / "nginx.conf").read_text()
    env = dict(
        line.split("=", 1)
        for line in (DEPLOY / "env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    static = re.search(r"location /static/ \{(.*?)\}", text, re.S).group(1)
    assert f"alias {env['DJANGO_STATIC_ROOT']}/;" in static
    assert "immutable" in static and "expires 1y" in static
    directives = re.sub(r"#.*", "", text)
    assert env["DJANGO_MEDIA_ROOT"] not in directives, "uploads must not be reachable through nginx"
    assert not re.search(r"^\s*root\s", directives, re.M), "no document root that could reach var/"
    assert re.search(r"location /media/ \{ return 404; \}", text)
    limit = int(re.search(r"client_max_body_size (\d+)m;", text).group(1)) * 2**20
    assert limit >= django_settings.ATTACHMENT_MAX_BYTES
    for header in ("Host $host", "X-Forwarded-For $proxy_add_x_forwarded_for", "X-Forwarded-Proto $scheme"):
        assert f"proxy_set_header {header};" in text
    assert "return 301 https://" in text


@pytest.mark.parametrize(
    ("unit", "command"),
    [
        ("huaxi-gunicorn.service", "gunicorn -c deploy/gunicorn.conf.py huaxi_renda.wsgi"),
        ("huaxi-celery-worker.service", "celery -A huaxi_renda worker"),
        ("huaxi-celery-beat.service", "celery -A huaxi_renda beat"),
    ],
)
def test_systemd_units_run_the_services_with_the_environment_file(unit, command):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / unit)
    service = parser["Service"]
    assert command in service["ExecStart"]
    assert service["EnvironmentFile"] == "/etc/huaxi-renda/env"
    assert service["User"] == "huaxi" and service["Restart"] in {"always", "on-failure"}
    assert parser["Install"]["WantedBy"] == "multi-user.target"


def test_the_client_address_header_the_app_trusts_is_the_one_nginx_sets_and_gunicorn_logs():
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert "proxy_set_header X-Real-IP $remote_addr;" in nginx  # read by huaxi_renda.middleware.TrustedProxyMiddleware
    conf = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert conf["access_log_format"].startswith("%({x-real-ip}i)s")
    assert django_settings.TRUSTED_PROXIES == ["127.0.0.1"]  # nginx on the same host, as bound in gunicorn.conf.py
