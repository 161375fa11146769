"""企业微信 (WeCom / 政务微信): an office's group robot, and application messages to an office's department.

Per office, ``WECOM_OFFICES`` (JSON, keyed by the office's name or id) says where
its reminders go: ``{"区住建局": {"robot": "<webhook URL>", "to_party": "12", "to_user": "zhangsan|lisi"}}``.
The application channel uses ``WECOM_CORP_ID``, ``WECOM_AGENT_ID`` and
``WECOM_SECRET``; its access token is cached and fetched again when it expires or
is refused. ``WECOM_API_BASE`` points at the service (an intranet 政务微信 has its own).
Both channels send one message per office and reminder, however many of its
people the reminder is for.
"""

import json
import logging
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.utils.translation import gettext_lazy

from huaxi_renda.cache import cache_get, cache_set
from suggestions.models import Office
from suggestions.reminders import texts
from suggestions.reminders.channels.base import Channel, TransientDeliveryError
from suggestions.reminders.sms.errors import classify_exception
from suggestions.reminders.sms.templates import timeout

logger = logging.getLogger("suggestions.reminders")

# errcode: -1 busy, 45009 / 45033 frequency limits, 42001 / 40014 / 40001 token expired or invalid.
RETRY_CODES = {-1, 45009, 45033}
TOKEN_CODES = {42001, 40014, 40001}
TOKEN_KEY = "wecom:access-token"  # noqa: S105 - a cache key, not a secret


class WeComError(Exception):
    """WeCom refused the message for good."""


def _office_conf(office_id):
    offices = getattr(settings, "WECOM_OFFICES", {}) or {}
    if not office_id or not offices:
        return {}
    if str(office_id) in offices:
        return offices[str(office_id)]
    name = Office.objects.filter(pk=office_id).values_list("name", flat=True).first()
    return offices.get(name, {}) if name else {}


def _post(url, payload):
    request = urllib.request.Request(
        url, data=json.dumps(payload, ensure_ascii=False).encode(), headers={"Content-Type": "application/json"}
    )
    return _open(request)


def _open(request):
    try:
        with urllib.request.urlopen(request, timeout=timeout()) as response:  # noqa: S310 - configured URL
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        if exc.code >= 500 or exc.code == 429:
            raise TransientDeliveryError(f"HTTP {exc.code}") from exc
        raise WeComError(f"HTTP {exc.code}") from exc
    except ValueError as exc:
        raise TransientDeliveryError(f"unreadable answer: {exc}") from exc
    except OSError as exc:
        raise TransientDeliveryError(str(classify_exception(exc))) from exc


def _check(answer):
    code = int(answer.get("errcode", -1))
    if code == 0:
        return answer
    error = f"errcode {code}: {answer.get('errmsg', '')}"
    if code in RETRY_CODES:
        raise TransientDeliveryError(error)
    raise WeComError(error)


def _text(reminder):
    return f"{texts.title(reminder)}\n{texts.about(reminder)}"


def api_base() -> str:
    """The WeCom API's address (the public service, or an intranet 政务微信)."""
    return (getattr(settings, "WECOM_API_BASE", "") or "https://qyapi.weixin.qq.com").rstrip("/")


def access_token(*, refresh: bool = False) -> str:
    """The application's access token, from the cache until it is near expiry or refused."""
    if not refresh:
        token = cache_get(TOKEN_KEY, message="WeCom access token cache unavailable")  # WeCom answers anyway
        if token:
            return token
    url = f"{api_base()}/cgi-bin/gettoken?" + urllib.parse.urlencode(
        {"corpid": settings.WECOM_CORP_ID, "corpsecret": settings.WECOM_SECRET}
    )
    answer = _check(_open(urllib.request.Request(url)))
    token = answer["access_token"]
    cache_set(
        TOKEN_KEY,
        token,
        max(60, int(answer.get("expires_in", 7200)) - 300),
        message="Could not cache the WeCom access token",
    )
    return token


class _OfficeChannel(Channel):
    shared = True  # one message per office (its address), not one per person

    def address(self, recipient) -> str | None:
        """The office's group or department, when the office has one configured."""
        if not recipient.office_id:
            return None
        return self.target(_office_conf(recipient.office_id))

    def target(self, conf) -> str | None:
        raise NotImplementedError

    def is_transient(self, exc: Exception) -> bool:
        """Busy, throttled or unreachable: later. A refusal (bad key, bad party): never."""
        if isinstance(exc, WeComError):
            return False
        return super().is_transient(exc)


class WeComRobotChannel(_OfficeChannel):
    code = "wecom_robot"
    label = gettext_lazy("企业微信群")

    def target(self, conf) -> str | None:
        """The group robot's webhook URL."""
        return conf.get("robot") or None

    def display_address(self, address: str) -> str:
        """The webhook URL carries the robot's key: never shown."""
        return str(self.label)

    def send(self, delivery) -> str:
        """Post the reminder as a text message to the office's group."""
        _check(_post(delivery.address, {"msgtype": "text", "text": {"content": _text(delivery.reminder)}}))
        return ""


class WeComAppChannel(_OfficeChannel):
    code = "wecom_app"
    label = gettext_lazy("企业微信应用消息")

    def target(self, conf) -> str | None:
        """``party:<ids>`` or ``user:<ids>`` of the office."""
        if not getattr(settings, "WECOM_CORP_ID", ""):
            return None
        if conf.get("to_party"):
            return f"party:{conf['to_party']}"
        if conf.get("to_user"):
            return f"user:{conf['to_user']}"
        return None

    def send(self, delivery) -> str:
        """An application text message; WeCom's duplicate check drops a repeat within 30 minutes."""
        kind, _sep, ids = delivery.address.partition(":")
        payload = {
            "touser" if kind == "user" else "toparty": ids,
            "msgtype": "text",
            "agentid": int(settings.WECOM_AGENT_ID),
            "text": {"content": _text(delivery.reminder)},
            "enable_duplicate_check": 1,
            "duplicate_check_interval": 1800,
        }
        for refresh in (False, True):
            url = f"{api_base()}/cgi-bin/message/send?access_token={access_token(refresh=refresh)}"
            answer = _post(url, payload)
            if int(answer.get("errcode", -1)) in TOKEN_CODES and not refresh:
                continue
            return str(_check(answer).get("msgid", ""))
        return ""


def send_test(*, office_code: str, text: str) -> str:
    """``send_test_message --channel wecom --to <office>``: one text to the office's group and department."""
    offices = getattr(settings, "WECOM_OFFICES", {}) or {}
    conf = offices.get(office_code)
    if not conf:
        return f"no WECOM_OFFICES entry for {office_code!r}"
    lines = []
    if conf.get("robot"):
        _check(_post(conf["robot"], {"msgtype": "text", "text": {"content": text}}))
        lines.append("group robot: ok")
    target = WeComAppChannel().target(conf)
    if target:
        kind, _sep, ids = target.partition(":")
        payload = {"touser" if kind == "user" else "toparty": ids, "msgtype": "text"}
        payload |= {"agentid": int(settings.WECOM_AGENT_ID), "text": {"content": text}}
        answer = _check(_post(f"{api_base()}/cgi-bin/message/send?access_token={access_token()}", payload))
        lines.append(f"application message: ok, msgid {answer.get('msgid', '-')}")
    return "\n".join(lines) or "nothing configured for this office"
