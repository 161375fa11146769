"""Schemathesis against the live test server: every operation of the schema, as every role, with data
generated from the schema. No answer is a 5xx and every answer matches its documented schema.

Bounded for CI: ``SCHEMATHESIS_MAX_EXAMPLES`` examples (default 4) per operation, role and target (the
world's own object and a generated id), in well under three minutes on the 2-core machine.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api.conftest import bearer

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "4"))
ROLES = ["anonymous", "delegate", "cosigner", "other_delegate", "clerk", "co_clerk", "other_clerk", "staff"]
# Which object of the world a path id names, by the path's first segment after /api/v1/.
WORLD_IDS = {
    "suggestions": "D",
    "attachments": "ATT",
    "invitations": "INV",
    "cosigners": "INV",
    "replies": "R",
    "office": "A",
    "notifications": "N",
    "public/stations": "ST",
    "public": "S",
    "opinions": "OP",
}


def _runner(strategy, *, base_url, headers, checks, seen):
    """A bounded Hypothesis test of one operation as one role; ``seen`` collects (operation, status)."""

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        response = case.call_and_validate(base_url=base_url, headers=headers, checks=checks)
        seen.add((case.operation.label, response.status_code))

    return run


def _token(client):
    return client.defaults.get("HTTP_AUTHORIZATION")


@pytest.mark.django_db(transaction=True)
def test_every_operation_and_role_answers_without_5xx_and_matches_the_schema(live_server, world, monkeypatch):
    # Throttling is tested on its own; here it would only turn generated requests into 429s.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": None, "address": None})
    people, ids, _other = world
    headers = {"anonymous": {}}
    for role in ROLES[1:]:
        headers[role] = {"Authorization": _token(bearer(people[role]))}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    checks = [not_a_server_error, response_schema_conformance]
    failures, seen = [], set()

    for operation in operations:
        rest = operation.path.removeprefix("/api/v1/")
        targets = [None]
        if "{id}" in operation.path:
            segment = next(key for key in WORLD_IDS if rest.startswith(key))  # the longer prefix first
            targets.append({"id": ids[WORLD_IDS[segment]]})
        if "{code}" in operation.path:
            targets.append({"code": ids["CODE"]})
        for role in ROLES:
            for path_parameters in targets:
                strategy = operation.as_strategy(path_parameters=path_parameters)

                run = _runner(strategy, base_url=live_server.url, headers=headers[role], checks=checks, seen=seen)
                try:
                    run()
                except Exception as error:  # noqa: BLE001 - collect every operation's failure, then report them all
                    failures.append(f"{operation.label} as {role}: {error}")
    assert not failures, "\n\n".join(failures[:10])
    # The generated requests reached every operation, and most of them got through to a real answer.
    assert {label for label, _status in seen} == {operation.label for operation in operations}
    succeeded = {label for label, status in seen if status < 300}
    assert len(succeeded) >= len(operations) // 2, sorted(seen)
