"""A session week (issue 25), for Locust: delegates filing, staff registering, clerks answering, the public reading.

    locust -f loadtest/locustfile.py --headless --host http://127.0.0.1:8000     # usually through loadtest.run

- Delegates log in (and accept the privacy notice the first time), open the form (which asks for the
  similar-suggestion hint as the title and then the body are typed), autosave the draft
  every ``LOADTEST_AUTOSAVE_SECONDS`` (15), invite a co-signer and submit; each submitted draft's last
  autosaved text is written to ``LOADTEST_DRAFTS`` for the runner to find in the database.
- Staff log in with their password and authenticator code, open the review inbox, register one
  suggestion and assign it to an office.
- Clerks open their office's inbox, sign a pending assignment and save a reply.
- Readers browse the public list, search it and open an outcome.
- One probe asks for the trivial view (``/favicon.ico``: a redirect, no database) twice a second:
  the yardstick each step's figures are compared with.

Each simulated person has an address of their own, sent as nginx does (``X-Real-IP`` and
``X-Forwarded-Proto: https`` from 127.0.0.1, the trusted proxy), so per-address limits (django-axes,
the API throttles) count each person apart, as in production. The client sends the ``Secure``
cookies back over the loopback's plain HTTP, as the browser does over its HTTPS to nginx.

The load is stepped by ``StepShape`` (``LOADTEST_STEPS``, e.g. ``50,100,200,400`` delegates,
``LOADTEST_STEP_SECONDS`` each, after ``LOADTEST_WARMUP_SECONDS`` in which the fixed people log in); staff and clerks are fixed (``LOADTEST_STAFF``, ``LOADTEST_CLERKS``),
readers are ``LOADTEST_READERS_PER_DELEGATE`` per delegate. Every request's time is recorded per
step and kind and written to ``LOADTEST_SAMPLES`` when Locust quits.
"""

import itertools
import json
import os
import random
import re
import time

from locust import HttpUser, LoadTestShape, between, constant, events, task

try:
    from loadtest.pages import SEARCH_WORDS, WRITES, form_with, parse, totp
except ImportError:  # run as ``locust -f loadtest/locustfile.py``: Locust puts this folder on the path
    from pages import SEARCH_WORDS, WRITES, form_with, parse, totp

ACCOUNTS = os.environ.get("LOADTEST_ACCOUNTS", "var/loadtest/accounts.json")
SAMPLES = os.environ.get("LOADTEST_SAMPLES", "var/loadtest/samples.json")
DRAFTS = os.environ.get("LOADTEST_DRAFTS", "var/loadtest/drafts.json")
AUTOSAVE_SECONDS = float(os.environ.get("LOADTEST_AUTOSAVE_SECONDS", "15"))
AUTOSAVES = int(os.environ.get("LOADTEST_AUTOSAVES", "3"))
STEPS = [int(n) for n in os.environ.get("LOADTEST_STEPS", "50,100,200,400").split(",") if n.strip()]
STEP_SECONDS = float(os.environ.get("LOADTEST_STEP_SECONDS", "120"))
STAFF = int(os.environ.get("LOADTEST_STAFF", "20"))
CLERKS = int(os.environ.get("LOADTEST_CLERKS", "50"))
READERS_PER_DELEGATE = float(os.environ.get("LOADTEST_READERS_PER_DELEGATE", "0.5"))
SPAWN_RATE = float(os.environ.get("LOADTEST_SPAWN_RATE", "2"))
# Seconds between one staff member's (or clerk's) pieces of work, on average: a registration and assignment, or a
# signature and a reply. At 2-6 s, 50 clerks replied ten times a second and 20 staff registered four times a second
# before any delegate came: about four cores of work on a two-core server, at every step.
PACE_SECONDS = float(os.environ.get("LOADTEST_PACE_SECONDS", "30"))
# A connection idle this long is not used again: as nginx's upstream pool (keepalive_timeout in deploy/nginx.conf)
# drops it before gunicorn closes it (its keepalive, 5 s). Reused after gunicorn closed it, a request failed at
# once (HTTP 0): those were the client's errors, not the server's.
IDLE_SECONDS = float(os.environ.get("LOADTEST_IDLE_SECONDS", "4"))
# Staff, clerks and the probe log in before the first step (their logins are reported apart).
WARMUP_SECONDS = float(os.environ.get("LOADTEST_WARMUP_SECONDS", "0"))

_addresses = itertools.count(1)
_delegate_slots = itertools.count()
_staff_slots = itertools.count()
_clerk_slots = itertools.count()
STATE = {"step": 0}
SAMPLE_LOG: list = []  # (step, kind, ms, ok)
SUBMITTED: list = []  # {"pk", "title", "body", "username"}
CONFLICTS: list = []  # form errors from another person's simultaneous change (not errors of the server)


def accounts():
    if not hasattr(accounts, "data"):
        try:
            with open(ACCOUNTS, encoding="utf-8") as handle:
                accounts.data = json.load(handle)
        except FileNotFoundError:
            accounts.data = {"delegates": [], "staff": [], "clerks": [], "password": ""}
    return accounts.data


class Person(HttpUser):
    """Someone at a browser behind the production nginx: their own address, HTTPS as far as Django knows."""

    abstract = True

    def on_start(self):
        self.address = f"10.{(n := next(_addresses)) // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        self.client.headers.update(
            {
                "X-Real-IP": self.address,
                "X-Forwarded-For": self.address,
                "X-Forwarded-Proto": "https",
                "Accept-Language": "zh-hans",
            }
        )

    def https_origin(self):
        return "https://" + self.host.split("://", 1)[-1].rstrip("/")

    def call(self, kind, method, url, *, expect=(200,), **kwargs):
        """One request, timed and named by kind; a status outside ``expect`` is an error."""
        kwargs.setdefault("allow_redirects", False)
        headers = kwargs.pop("headers", {})
        now = time.monotonic()
        if now - getattr(self, "last_request_at", now) >= IDLE_SECONDS:
            self.client.close()  # the pooled connections: the next request opens a new one
        self.last_request_at = now
        if method == "POST":
            headers = {
                "X-CSRFToken": self.client.cookies.get("csrftoken", ""),
                "Origin": self.https_origin(),
                "Referer": self.https_origin() + url,
                **headers,
            }
        with self.client.request(method, url, name=kind, headers=headers, catch_response=True, **kwargs) as response:
            ok = response.status_code in expect
            if ok:
                response.success()
            else:
                error = f" ({type(response.error).__name__}: {response.error})" if response.error else ""
                response.failure(f"{kind}: HTTP {response.status_code} for {url}{error}"[:300])
        # The browser talks HTTPS to nginx: it sends the Secure cookies back, and so does this client.
        for cookie in self.client.cookies:
            cookie.secure = False
        return response

    def login(self, username, password, totp_key=None):
        page = self.call("login page", "GET", "/accounts/login/")
        form = form_with(parse(page.text), "username") or {"fields": {}}
        data = {**form["fields"], "username": username, "password": password}
        response = self.call("login", "POST", "/accounts/login/", data=data, expect=(302,))
        location = response.headers.get("Location", "")
        if "otp" in location and totp_key:
            self.call("otp page", "GET", location)
            response = self.call("otp", "POST", location, data={"token": totp(totp_key)}, expect=(302,))
            location = response.headers.get("Location", "")
        if response.status_code != 302:
            return False
        # The first page after logging in; a delegate who has not accepted the privacy notice is sent to it.
        target = location or "/"
        for _hop in range(3):
            if "/privacy/" in target:
                self.call("privacy notice", "GET", target)
                self.call("privacy accept", "POST", target, expect=(302,))
                break
            page = self.call("home", "GET", target, expect=(200, 302))
            if page.status_code != 302:
                break
            target = page.headers.get("Location", "")
        return True


class Delegate(Person):
    """Files a suggestion: the form, a draft saved every AUTOSAVE_SECONDS, a co-signer, then submit."""

    weight = 2
    wait_time = between(1, 5)

    def on_start(self):
        super().on_start()
        people = accounts()["delegates"]
        slot = next(_delegate_slots) % max(1, len(people))
        self.me = people[slot]
        others = [p for p in people if p["delegate"] != self.me["delegate"]]
        self.cosigners = others or people
        self.logged_in = self.login(self.me["username"], accounts()["password"])

    @task
    def file_a_suggestion(self):
        if not self.logged_in:
            self.logged_in = self.login(self.me["username"], accounts()["password"])
            return
        page = parse(self.call("delegate form", "GET", "/delegate/new/").text)
        form = form_with(page, "title")
        if form is None:
            return
        category = (form["options"].get("category") or [""])[0]
        series = form["fields"].get("series") or (form["options"].get("series") or [""])[0]
        token = f"{self.me['username']}-{time.time_ns()}"
        title = f"关于改善社区公共服务的建议（{token}）"
        # The page asks for similar suggestions once the title is typed, and again when the body changes
        # (static/js/delegate.js): the title's hint now, the body's with the last version.
        self.call("similar hint", "GET", "/delegate/similar/", params={"title": title})
        body = ""
        pk = None
        for version in range(1, AUTOSAVES + 1):
            body += f"第{version}稿：建议加强{random.choice(SEARCH_WORDS)}方面的工作，落实到每个社区。\n"
            if version == AUTOSAVES:
                self.call(
                    "similar hint",
                    "GET",
                    "/delegate/similar/",
                    params={"title": title, "body": body[:400], **({"exclude": pk} if pk else {})},
                )
            data = {"title": title, "body": body, "category": category, "series": series}
            if pk:
                data["pk"] = pk
            response = self.call("autosave", "POST", "/delegate/autosave/", data=data)
            answer = response.json() if response.status_code == 200 else {}
            if not answer.get("ok"):
                return
            pk = answer["pk"]
            self.last = {"pk": pk, "title": title, "body": body, "username": self.me["username"]}
            if version < AUTOSAVES:
                time.sleep(AUTOSAVE_SECONDS)
        cosigner = random.choice(self.cosigners)
        self.call(
            "invite",
            "POST",
            f"/delegate/suggestions/{pk}/invite/",
            data={"delegate": cosigner["delegate"]},
            expect=(302,),
        )
        response = self.call("submit", "POST", f"/delegate/suggestions/{pk}/submit/", expect=(302,))
        if response.status_code == 302:
            SUBMITTED.append(self.last)
        self.call("delegate home", "GET", "/delegate/")


class Staff(Person):
    """Registers a suggestion from the review inbox and assigns it to an office."""

    fixed_count = STAFF
    wait_time = between(PACE_SECONDS / 2, 3 * PACE_SECONDS / 2)

    def on_start(self):
        super().on_start()
        people = accounts()["staff"]
        self.me = people[next(_staff_slots) % max(1, len(people))] if people else None
        self.logged_in = bool(self.me) and self.login(self.me["username"], accounts()["password"], self.me["totp_key"])

    @task
    def register_and_assign(self):
        if not self.logged_in:
            return
        inbox = parse(self.call("review inbox", "GET", "/staff/").text)
        waiting = sorted({int(m) for link in inbox.links for m in re.findall(r"/staff/review/(\d+)/", link)})
        if not waiting:
            return
        pk = random.choice(waiting[:20])
        page = parse(self.call("review page", "GET", f"/staff/review/{pk}/", expect=(200, 302)).text)
        form = form_with(page, "register-number")
        if form is None:
            return
        data = {**form["fields"], "action": "register"}
        response = self.call("register", "POST", f"/staff/review/{pk}/", data=data, expect=(302, 400))
        if response.status_code != 302:
            # Another staff member took the suggestion or its number a moment before: the page says so
            # (a form error, 400) and this one moves on, as a person would.
            CONFLICTS.append("register")
            return
        page = parse(self.call("assign page", "GET", f"/staff/suggestions/{pk}/assign/", expect=(200, 302)).text)
        form = form_with(page, "due_date")
        if form is None:
            return
        data = dict(form["fields"])
        data.setdefault("mode", (form["options"].get("mode") or [""])[0])
        if not data.get("lead_office"):
            data["lead_office"] = random.choice(form["options"].get("lead_office") or [""])
        self.call("assign", "POST", f"/staff/suggestions/{pk}/assign/", data=data, expect=(302,))


class Clerk(Person):
    """Signs a pending assignment of their office and saves a reply."""

    fixed_count = CLERKS
    wait_time = between(PACE_SECONDS / 2, 3 * PACE_SECONDS / 2)

    def on_start(self):
        super().on_start()
        people = accounts()["clerks"]
        self.me = people[next(_clerk_slots) % max(1, len(people))] if people else None
        self.logged_in = bool(self.me) and self.login(self.me["username"], accounts()["password"])

    @task
    def sign_and_reply(self):
        if not self.logged_in:
            return
        inbox = parse(self.call("office inbox", "GET", "/office/").text)
        ids = sorted({int(m) for link in inbox.links for m in re.findall(r"/office/assignments/(\d+)/", link)})
        if not ids:
            return
        pk = random.choice(ids)
        page = parse(self.call("assignment page", "GET", f"/office/assignments/{pk}/").text)
        if any(f"/office/assignments/{pk}/sign/" in f["action"] for f in page.forms):
            self.call("sign", "POST", f"/office/assignments/{pk}/sign/", expect=(302,))
            page = parse(self.call("assignment page", "GET", f"/office/assignments/{pk}/").text)
        form = form_with(page, "reply-text")
        if form is None:
            return
        data = {
            **form["fields"],
            "reply-text": f"经研究，已安排专人办理，预计本月内完成。（{self.me['username']} {time.time_ns()}）",
            "reply-signed_off_by": "张主任",
            "action": "save",
        }
        if not data.get("reply-result_class"):
            data["reply-result_class"] = (form["options"].get("reply-result_class") or [""])[0]
        self.call("reply", "POST", f"/office/assignments/{pk}/reply/", data=data, expect=(302,))


class Reader(Person):
    """Reads the public outcomes: the list, a search, one outcome."""

    weight = 1
    wait_time = between(2, 8)

    @task(3)
    def browse(self):
        page = parse(self.call("public list", "GET", "/public/").text)
        ids = [int(m) for link in page.links for m in re.findall(r"/public/outcomes/(\d+)/", link)]
        if ids:
            self.call("public detail", "GET", f"/public/outcomes/{random.choice(ids)}/")

    @task(1)
    def search(self):
        self.call("public search", "GET", f"/public/?q={random.choice(SEARCH_WORDS)}")


class Probe(Person):
    """The yardstick: the trivial view, at a slow steady pace, through the same server under the same load."""

    fixed_count = 1
    wait_time = constant(0.5)

    @task
    def trivial(self):
        self.call("trivial", "GET", "/favicon.ico", expect=(301, 302))


class StepShape(LoadTestShape):
    """STEPS delegates in turn, STEP_SECONDS each, with the fixed staff, clerks and probe, readers in proportion."""

    use_common_options = True

    def tick(self):
        elapsed = self.get_run_time()
        if elapsed < WARMUP_SECONDS:  # the fixed people log in first, unmeasured (step -1)
            STATE["step"] = -1
            return STAFF + CLERKS + 1, SPAWN_RATE
        step = int((elapsed - WARMUP_SECONDS) // STEP_SECONDS)
        if step >= len(STEPS):
            return None
        STATE["step"] = step
        delegates = STEPS[step]
        users = STAFF + CLERKS + 1 + delegates + round(delegates * READERS_PER_DELEGATE)
        return users, SPAWN_RATE


# Weights give delegates : readers = 1 : READERS_PER_DELEGATE among the users beyond the fixed ones.
Delegate.weight = 100
Reader.weight = max(1, round(100 * READERS_PER_DELEGATE))


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception=None, **kwargs):
    SAMPLE_LOG.append((STATE["step"], name, response_time, exception is None))


@events.quitting.add_listener
def _write(environment, **kwargs):
    for path, data in (
        (SAMPLES, {"steps": STEPS, "writes": sorted(WRITES), "samples": SAMPLE_LOG, "conflicts": len(CONFLICTS)}),
        (DRAFTS, SUBMITTED),
    ):
        if os.path.dirname(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False)


def user_classes():
    """The simulated people (for the runner and the test)."""
    return [Delegate, Staff, Clerk, Reader, Probe]
