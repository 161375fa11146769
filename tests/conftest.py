import os

import pytest

from suggestions import actions

from . import factories


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (HUAXI_REQUIRE_ALL_TESTS=1) a skipped test is a failure: nothing may silently not run.

    Made where the test runs, so a pytest-xdist worker sends the failure, not the skip, to the main process.
    """
    outcome = yield
    _fail_a_skip(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """The same for a whole module skipped while it is collected (``pytest.skip(allow_module_level=True)``)."""
    outcome = yield
    _fail_a_skip(outcome.get_result())


def _fail_a_skip(report):
    if os.environ.get("HUAXI_REQUIRE_ALL_TESTS") == "1" and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped, but every test must run in CI: {report.longrepr}"


@pytest.fixture(autouse=True)
def fresh_congresses(request):
    """Each process keeps the congresses a minute (``congress_by_id``): a rolled-back test's must not stay.

    The first congress is kept from the start, as a running process has it: a page's query count does not
    include reading it once per process.
    """
    from congresses.models import forget_kept

    forget_kept()
    if {"db", "transactional_db", "live_server"} & set(request.fixturenames) or request.node.get_closest_marker(
        "django_db"
    ):
        request.getfixturevalue(
            "transactional_db"
            if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
            else "db"
        )
        from congresses.models import congress_by_id, first_congress

        congress_by_id(first_congress().pk)
    yield
    forget_kept()


@pytest.fixture(autouse=True)
def reference_data(request):
    """Categories, result classes and the holiday calendar, even after a transactional test flushed them."""
    if not (
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    ) and not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue(
        "transactional_db"
        if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
        else "db"
    )
    from django.apps import apps

    from suggestions.defaults import install_defaults

    install_defaults(apps.get_model)


@pytest.fixture
def session(db):
    return factories.SessionFactory()


@pytest.fixture
def staff(db):
    return factories.StaffFactory()


@pytest.fixture
def delegate(db):
    return factories.DelegateFactory()


@pytest.fixture
def other_delegate(db):
    return factories.DelegateFactory()


@pytest.fixture
def office(db):
    return factories.OfficeFactory(name="区住房和城乡建设局")


@pytest.fixture
def co_office(db):
    return factories.OfficeFactory(name="区财政局")


@pytest.fixture
def other_office(db):
    return factories.OfficeFactory(name="区交通运输局")


@pytest.fixture
def clerk(office):
    return factories.OfficeMemberFactory(office=office).user


@pytest.fixture
def co_clerk(co_office):
    return factories.OfficeMemberFactory(office=co_office).user


@pytest.fixture
def other_clerk(other_office):
    return factories.OfficeMemberFactory(office=other_office).user


@pytest.fixture
def leader(db):
    return factories.LeaderFactory()


@pytest.fixture
def draft(session, delegate):
    return factories.SuggestionFactory(session=session, lead_delegate=delegate)


@pytest.fixture
def submitted(draft, delegate):
    return actions.suggestion_submit(suggestion=draft, actor=delegate.user)


@pytest.fixture
def registered(submitted, staff):
    return actions.suggestion_register(suggestion=submitted, actor=staff)


@pytest.fixture
def assigned(registered, staff, office, co_office, clerk, co_clerk):
    actions.suggestion_assign(suggestion=registered, actor=staff, lead_office=office, co_offices=[co_office])
    registered.refresh_from_db()
    return registered


@pytest.fixture
def lead_assignment(assigned, office):
    return assigned.assignments.get(office=office)


@pytest.fixture
def co_assignment(assigned, co_office):
    return assigned.assignments.get(office=co_office)


def carry_to_reply(suggestion, assignment, clerk, *, code="A", text="已解决。"):
    from django.utils import timezone

    actions.assignment_sign(assignment=assignment, actor=clerk)
    actions.contact_record(
        assignment=assignment,
        actor=clerk,
        method="visit",
        date=timezone.localdate(),
        participants="代表、经办人",
        summary="上门沟通。",
        delegate_invited=True,
    )
    reply = actions.reply_save_draft(
        assignment=assignment,
        actor=clerk,
        text=text,
        result_class=factories.result_class(code),
        signed_off_by="局长",
        attachment=factories.signed_letter(assignment, clerk),
    )
    actions.reply_submit(reply=reply, actor=clerk)
    reply.refresh_from_db()
    return reply


def publish(reply, staff, *, public_text=None, early_reason="本测试不涉及代表评价", **versions):
    """Publish as staff do on the review page: title, body and reply reviewed (as written unless given).

    For tests about what the public sees; the rules of publishing itself are tested in test_publication.
    """
    suggestion = reply.suggestion
    return actions.reply_publish(
        reply=reply,
        actor=staff,
        public_title=versions.pop("public_title", suggestion.title),
        public_body=versions.pop("public_body", suggestion.body),
        public_text=reply.text if public_text is None else public_text,
        early_reason=early_reason,
        **versions,
    )


@pytest.fixture
def replied(assigned, lead_assignment, clerk):
    """The suggestion with its lead office's reply submitted (co-office opinion not needed for it)."""
    reply = carry_to_reply(assigned, lead_assignment, clerk)
    assigned.refresh_from_db()
    return reply
