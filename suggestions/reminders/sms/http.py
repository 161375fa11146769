"""A generic HTTP gateway, for a provincial 政务短信平台: URL, method, a parameter template and an HMAC signature.

``SMS_HTTP`` (a dict, from the ``SMS_HTTP`` environment variable as JSON):

- ``url``, ``method`` (``POST`` form or ``GET`` query), ``params``: the request's
  parameters, each a template over ``{phone}``, ``{text}``, ``{template}``,
  ``{params}`` (the template variables as JSON), ``{sign_name}``, ``{out_id}``,
  ``{timestamp}``;
- ``secret`` and ``sign_param``: the parameter that carries
  hex(HMAC-SHA256(secret, "k1=v1&k2=v2…" over the other parameters sorted by name));
- the answer is JSON: ``code_field`` equal to ``ok_code`` means accepted, with the
  gateway's id in ``id_field``; codes in ``retry_codes`` mean "later" (throttling);
- ``report_url``: the send report by out-id (same signature), answering
  ``status_field`` one of ``delivered_values`` / ``failed_values`` with ``reason_field``.
"""

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from suggestions.reminders.sms import BaseSMSBackend, Report, SMSError, SMSMessage, TransientSMSError, templates
from suggestions.reminders.sms.errors import classify_exception

DEFAULTS = {
    "method": "POST",
    "params": {
        "mobile": "{phone}",
        "template": "{template}",
        "params": "{params}",
        "sign_name": "{sign_name}",
        "out_id": "{out_id}",
        "timestamp": "{timestamp}",
    },
    "sign_param": "sign",
    "code_field": "code",
    "ok_code": "0",
    "id_field": "msgid",
    "message_field": "msg",
    "retry_codes": ["429", "busy"],
    "status_field": "status",
    "delivered_values": ["DELIVRD", "delivered"],
    "failed_values": ["UNDELIV", "failed", "REJECTD", "EXPIRED"],
    "reason_field": "reason",
}


def sign(params: dict, secret: str) -> str:
    """hex(HMAC-SHA256(secret, "k=v&…" over the parameters sorted by name))."""
    text = "&".join(f"{k}={params[k]}" for k in sorted(params))
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


class HTTPGatewaySMSBackend(BaseSMSBackend):
    """Send through a configurable HTTP API; read its report by out-id when it has a report URL."""

    def __init__(self):
        self.conf = {**DEFAULTS, **(getattr(settings, "SMS_HTTP", {}) or {})}

    def _request(self, url, params):
        conf = self.conf
        params = {k: str(v) for k, v in params.items()}
        if conf.get("secret"):
            params[conf["sign_param"]] = sign(params, conf["secret"])
        data = urllib.parse.urlencode(params)
        if conf["method"].upper() == "GET":
            request = urllib.request.Request(f"{url}?{data}", method="GET")
        else:
            request = urllib.request.Request(
                url, data=data.encode(), method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"}
            )
        try:
            with urllib.request.urlopen(request, timeout=templates.timeout()) as response:  # noqa: S310 - configured URL
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            if exc.code >= 500 or exc.code == 429:
                raise TransientSMSError(f"HTTP {exc.code}") from exc
            raise SMSError(f"HTTP {exc.code}: {exc.read()[:200].decode(errors='replace')}") from exc
        except (ValueError, json.JSONDecodeError) as exc:
            raise TransientSMSError(f"unreadable answer: {exc}") from exc
        except Exception as exc:  # noqa: BLE001
            raise classify_exception(exc) from exc

    def send_message(self, message: SMSMessage) -> str:
        """Fill the parameter template, sign, send; returns the gateway's message id."""
        template = templates.template_for(message.kind)
        values = {
            "phone": message.phone,
            "text": message.text,
            "template": template.id,
            "params": json.dumps(templates.values(message, template), ensure_ascii=False),
            "sign_name": templates.sign_name(),
            "out_id": message.out_id,
            "timestamp": str(int(time.time())),
        }
        params = {name: value.format(**values) for name, value in self.conf["params"].items()}
        answer = self._request(self.conf["url"], params)
        code = str(answer.get(self.conf["code_field"], ""))
        if code == str(self.conf["ok_code"]):
            return str(answer.get(self.conf["id_field"], "") or "")
        error = f"{code}: {answer.get(self.conf['message_field'], '')}"
        if code in [str(c) for c in self.conf["retry_codes"]]:
            raise TransientSMSError(error)
        raise SMSError(error)

    def report(self, message: SMSMessage, *, provider_id: str = "", sent_at=None) -> Report | None:
        """The report for our out-id; None when the gateway never saw it (or has no report URL)."""
        url = self.conf.get("report_url")
        if not url:
            return None
        answer = self._request(url, {"out_id": message.out_id, "timestamp": str(int(time.time()))})
        code = str(answer.get(self.conf["code_field"], ""))
        if code != str(self.conf["ok_code"]):
            return None
        status = str(answer.get(self.conf["status_field"], ""))
        provider = str(answer.get(self.conf["id_field"], "") or provider_id)
        if status in self.conf["delivered_values"]:
            return Report(status="delivered", provider_id=provider, out_id=message.out_id)
        if status in self.conf["failed_values"]:
            reason = str(answer.get(self.conf["reason_field"], "") or status)
            return Report(status="failed", provider_id=provider, reason=reason, out_id=message.out_id)
        return Report(status="pending", provider_id=provider, out_id=message.out_id)
