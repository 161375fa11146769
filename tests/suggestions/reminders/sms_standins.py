"""Local stand-ins for the SMS services, speaking their documented request and response formats.

Each one runs an HTTP server on a free port in a thread, checks the request
signature with its own secret (a wrong one is refused like the real service
refuses it), keeps the messages it accepted and their send reports, and can be
told to misbehave for the next requests: ``throttle``, ``5xx``, ``timeout``
(the message IS accepted, the answer comes too late) or ``down`` (refuse).
"""

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

SECRET_ID = "test-key-id"
SECRET = "test-secret-123"


class StandIn:
    """The common part: a threaded server, the accepted messages, the queue of misbehaviours."""

    def __init__(self, *, secret=SECRET, delay=1.5):
        self.secret = secret
        self.delay = delay  # seconds a "timeout" answer waits (the client gives up before)
        self.messages = []  # dicts: phone, template, params, out_id, id, status, reason
        self.send_requests = 0
        self.report_requests = 0
        self.faults = []
        self.failing_numbers = {}  # phone -> reason: accepted, then a failed receipt
        self.lock = threading.Lock()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                standin.handle(self)

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self):
        return f"127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def next_fault(self):
        with self.lock:
            return self.faults.pop(0) if self.faults else None

    def accept(self, *, phone, template, params, out_id):
        with self.lock:
            failing = self.failing_numbers.get(phone)
            record = {
                "phone": phone,
                "template": template,
                "params": params,
                "out_id": out_id,
                "id": uuid.uuid4().hex[:20],
                "status": "failed" if failing else "delivered",
                "reason": failing or "",
                "at": time.time(),
            }
            self.messages.append(record)
            return record

    def find(self, *, phone=None, out_id=None, id=None):
        return [
            m
            for m in self.messages
            if (phone is None or m["phone"] == phone)
            and (out_id is None or m["out_id"] == out_id)
            and (id is None or m["id"] == id)
        ]

    @staticmethod
    def reply(handler, status, body):
        data = json.dumps(body, ensure_ascii=False).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        try:
            handler.wfile.write(data)
        except OSError:  # the client gave up (a "timeout" fault)
            pass

    def misbehave(self, handler, fault, accept):
        """Act out a fault; returns True when the request was answered (or dropped) by it."""
        if fault == "5xx":
            self.reply(handler, 503, self.server_error_body())
            return True
        if fault == "throttle":
            self.reply(handler, *self.throttle_answer())
            return True
        if fault == "timeout":
            accept()
            time.sleep(self.delay)
            return False  # answers, too late
        return False


class AliyunStandIn(StandIn):
    """Dysmsapi 2017-05-25 (SendSms, QuerySendDetails), signed with ACS3-HMAC-SHA256."""

    def server_error_body(self):
        return {"Code": "ServiceUnavailable", "Message": "The request has failed due to a temporary failure."}

    def throttle_answer(self):
        return 200, {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发分钟级流控Permits:1", "RequestId": "r"}

    def signature_ok(self, handler, body):
        auth = handler.headers.get("Authorization", "")
        algorithm, _, rest = auth.partition(" ")
        parts = dict(p.split("=", 1) for p in rest.split(",") if "=" in p)
        if algorithm != "ACS3-HMAC-SHA256" or parts.get("Credential") != SECRET_ID:
            return False
        if handler.headers.get("x-acs-content-sha256") != hashlib.sha256(body).hexdigest():
            return False
        url = urlsplit(handler.path)
        query = sorted(parse_qsl(url.query, keep_blank_values=True))
        canonical_query = "&".join(f"{k}={quote(v, safe='~')}" for k, v in query)
        names = parts["SignedHeaders"].split(";")
        headers = "".join(f"{n}:{handler.headers.get(n, '').strip()}\n" for n in names)
        canonical = "\n".join(
            [
                handler.command,
                url.path or "/",
                canonical_query,
                headers,
                parts["SignedHeaders"],
                hashlib.sha256(body).hexdigest(),
            ]
        )
        to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
        expected = hmac.new(self.secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, parts.get("Signature", ""))

    def handle(self, handler):
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        if not self.signature_ok(handler, body):
            self.reply(
                handler, 400, {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched."}
            )
            return
        params = dict(parse_qsl(urlsplit(handler.path).query)) | dict(parse_qsl(body.decode()))
        action = handler.headers.get("x-acs-action")
        if action == "SendSms":
            self.send_requests += 1
            record = {}

            def accept():
                record.update(
                    self.accept(
                        phone=params["PhoneNumbers"],
                        template=params["TemplateCode"],
                        params=json.loads(params.get("TemplateParam") or "{}"),
                        out_id=params.get("OutId", ""),
                    )
                )

            fault = self.next_fault()
            if self.misbehave(handler, fault, accept):
                return
            if fault is None:
                if not params.get("SignName"):
                    self.reply(handler, 200, {"Code": "isv.SMS_SIGNATURE_ILLEGAL", "Message": "签名不合法"})
                    return
                accept()
            self.reply(handler, 200, {"Code": "OK", "Message": "OK", "BizId": record["id"], "RequestId": "r"})
        elif action == "QuerySendDetails":
            self.report_requests += 1
            rows = [
                {
                    "PhoneNum": m["phone"],
                    "SendStatus": 3 if m["status"] == "delivered" else 2,
                    "ErrCode": "DELIVERED" if m["status"] == "delivered" else m["reason"],
                    "OutId": m["out_id"],
                    "TemplateCode": m["template"],
                    "Content": json.dumps(m["params"], ensure_ascii=False),
                }
                for m in self.find(phone=params["PhoneNumber"])
                if not params.get("BizId") or params["BizId"] == m["id"]
            ]
            answer = {"Code": "OK", "Message": "OK", "TotalCount": len(rows), "RequestId": "r"}
            answer["SmsSendDetailDTOs"] = {"SmsSendDetailDTO": rows}
            self.reply(handler, 200, answer)
        else:
            self.reply(handler, 404, {"Code": "InvalidAction.NotFound"})


def base64_hmac(secret, text):
    return base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()).decode()


def tc3_signature(secret, *, date, service, string_to_sign):
    def sign(key, msg):
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    key = sign(sign(sign(("TC3" + secret).encode(), date), service), "tc3_request")
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


class TencentStandIn(StandIn):
    """SMS API 2021-01-11 (SendSms, PullSmsSendStatusByPhoneNumber), signed with TC3-HMAC-SHA256."""

    app_id = "1400000001"

    def server_error_body(self):
        return {"message": "Service Unavailable"}

    def throttle_answer(self):
        return 200, {
            "Response": {
                "Error": {"Code": "RequestLimitExceeded", "Message": "请求的次数超过了频率限制。"},
                "RequestId": "r",
            }
        }

    def signature_ok(self, handler, body):
        auth = handler.headers.get("Authorization", "")
        algorithm, _, rest = auth.partition(" ")
        parts = dict(p.strip().split("=", 1) for p in rest.split(",") if "=" in p)
        secret_id, date, service, _scope = parts.get("Credential", "///").split("/", 3)
        if algorithm != "TC3-HMAC-SHA256" or secret_id != SECRET_ID or service != "sms":
            return False
        timestamp = handler.headers.get("X-TC-Timestamp", "0")
        if time.strftime("%Y-%m-%d", time.gmtime(int(timestamp))) != date or abs(time.time() - int(timestamp)) > 300:
            return False
        canonical = "\n".join(
            [
                handler.command,
                urlsplit(handler.path).path or "/",
                "",
                f"content-type:{handler.headers.get('Content-Type')}\nhost:{handler.headers.get('Host')}\n",
                "content-type;host",
                hashlib.sha256(body).hexdigest(),
            ]
        )
        to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        expected = tc3_signature(self.secret, date=date, service=service, string_to_sign=to_sign)
        return hmac.compare_digest(expected, parts.get("Signature", ""))

    def handle(self, handler):
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        if not self.signature_ok(handler, body):
            error = {
                "Code": "AuthFailure.SignatureFailure",
                "Message": "请求签名验证失败，请检查您的签名计算是否正确。",
            }
            self.reply(handler, 200, {"Response": {"Error": error, "RequestId": "r"}})
            return
        params = json.loads(body or b"{}")
        action = handler.headers.get("X-TC-Action")
        if action == "SendSms":
            self.send_requests += 1
            (phone,) = params["PhoneNumberSet"]
            record = {}

            def accept():
                record.update(
                    self.accept(
                        phone=phone.removeprefix("+86"),
                        template=params["TemplateId"],
                        params=params.get("TemplateParamSet", []),
                        out_id=params.get("SessionContext", ""),
                    )
                )

            fault = self.next_fault()
            if self.misbehave(handler, fault, accept):
                return
            if fault is None:
                if params.get("SmsSdkAppId") != self.app_id:
                    error = {"Code": "FailedOperation.SmsSdkAppIdVerifyFail", "Message": "SdkAppId校验失败"}
                    self.reply(handler, 200, {"Response": {"Error": error, "RequestId": "r"}})
                    return
                accept()
            status = {
                "SerialNo": record["id"],
                "PhoneNumber": phone,
                "Fee": 1,
                "SessionContext": record["out_id"],
                "Code": "Ok",
                "Message": "send success",
                "IsoCode": "CN",
            }
            self.reply(handler, 200, {"Response": {"SendStatusSet": [status], "RequestId": "r"}})
        elif action == "PullSmsSendStatusByPhoneNumber":
            self.report_requests += 1
            rows = [
                {
                    "UserReceiveTime": "2026-10-19 09:00:01",
                    "CountryCode": "86",
                    "SubscriberNumber": m["phone"],
                    "PhoneNumber": "+86" + m["phone"],
                    "SerialNo": m["id"],
                    "ReportStatus": "SUCCESS" if m["status"] == "delivered" else "FAIL",
                    "Description": "DELIVRD" if m["status"] == "delivered" else m["reason"],
                    "SessionContext": m["out_id"],
                }
                for m in self.find(phone=params["PhoneNumber"].removeprefix("+86"))
            ]
            self.reply(handler, 200, {"Response": {"PullSmsSendStatusSet": rows, "RequestId": "r"}})
        else:
            self.reply(
                handler, 200, {"Response": {"Error": {"Code": "InvalidAction", "Message": "-"}, "RequestId": "r"}}
            )


class HTTPGatewayStandIn(StandIn):
    """A provincial platform as ``sms.http`` expects by default: form POST, HMAC-SHA256 ``sign``, JSON answers."""

    def server_error_body(self):
        return {"code": "500", "msg": "internal error"}

    def throttle_answer(self):
        return 200, {"code": "busy", "msg": "发送过于频繁"}

    def signature_ok(self, params):
        from suggestions.reminders.sms.http import sign

        given = params.pop("sign", "")
        return hmac.compare_digest(sign(params, self.secret), given)

    def handle(self, handler):
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        url = urlsplit(handler.path)
        params = dict(parse_qsl(url.query)) | dict(parse_qsl(body.decode()))
        if not self.signature_ok(params):
            self.reply(handler, 200, {"code": "1001", "msg": "签名错误"})
            return
        if url.path == "/send":
            self.send_requests += 1
            record = {}

            def accept():
                record.update(
                    self.accept(
                        phone=params["mobile"],
                        template=params["template"],
                        params=json.loads(params.get("params") or "{}"),
                        out_id=params.get("out_id", ""),
                    )
                )

            fault = self.next_fault()
            if self.misbehave(handler, fault, accept):
                return
            if fault is None:
                accept()
            self.reply(handler, 200, {"code": "0", "msg": "ok", "msgid": record["id"]})
        elif url.path == "/report":
            self.report_requests += 1
            found = self.find(out_id=params.get("out_id"))
            if not found:
                self.reply(handler, 200, {"code": "404", "msg": "no such message"})
                return
            m = found[-1]
            status = "DELIVRD" if m["status"] == "delivered" else "UNDELIV"
            self.reply(handler, 200, {"code": "0", "msgid": m["id"], "status": status, "reason": m["reason"]})
        else:
            self.reply(handler, 404, {"code": "404"})


class WeComStandIn(StandIn):
    """企业微信: gettoken (corp id and secret), message/send (access token), webhook/send (robot key)."""

    corp_id = "ww-test-corp"
    robot_key = "robot-key-1"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.tokens = set()
        self.token_requests = 0

    def server_error_body(self):
        return {"errcode": -1, "errmsg": "system busy"}

    def throttle_answer(self):
        return 200, {"errcode": 45009, "errmsg": "api freq out of limit"}

    def expire_tokens(self):
        self.tokens.clear()

    def handle(self, handler):
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        url = urlsplit(handler.path)
        query = dict(parse_qsl(url.query))
        if url.path == "/cgi-bin/gettoken":
            self.token_requests += 1
            if query.get("corpid") != self.corp_id or query.get("corpsecret") != self.secret:
                self.reply(handler, 200, {"errcode": 40001, "errmsg": "invalid credential"})
                return
            token = uuid.uuid4().hex
            self.tokens.add(token)
            self.reply(handler, 200, {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200})
            return
        payload = json.loads(body or b"{}")
        if url.path == "/cgi-bin/webhook/send":
            if query.get("key") != self.robot_key:
                self.reply(handler, 200, {"errcode": 93000, "errmsg": "invalid webhook url"})
                return
            target = "robot"
        elif url.path == "/cgi-bin/message/send":
            if query.get("access_token") not in self.tokens:
                self.reply(handler, 200, {"errcode": 42001, "errmsg": "access_token expired"})
                return
            target = payload.get("toparty") or payload.get("touser")
        else:
            self.reply(handler, 404, {"errcode": 404})
            return
        self.send_requests += 1
        fault = self.next_fault()
        record = {}

        def accept():
            record.update(self.accept(phone=target, template=payload["msgtype"], params=payload["text"], out_id=""))

        if self.misbehave(handler, fault, accept):
            return
        if fault is None:
            accept()
        self.reply(handler, 200, {"errcode": 0, "errmsg": "ok", "msgid": record["id"]})
