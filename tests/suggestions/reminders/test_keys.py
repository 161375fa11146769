"""A reminder's key as one number: every key of the schedule has its own code, and reads back as itself."""

import pytest

from suggestions.reminders import keys

SCHEDULE_KEYS = [
    "sign:1:n1",
    "sign:206268:n236",
    "opinion:7:before0",
    "opinion:7:before",
    "opinion:7:late3",
    "reply_due:99:before15",
    "reply_due:99:before0",
    "overdue:3:n12",
    "rehandle:5:late1",
    "follow_up:8:n2",
    "invitation:5:after",
    "invitation:5:before",
    "rating:7:after",
    "rating:7:before_close",
    f"request:{2**32 - 1}:waiting",
]


def test_each_key_of_the_schedule_has_its_own_code_and_reads_back_as_itself():
    codes = [keys.code_of(key) for key in SCHEDULE_KEYS]
    assert len(set(codes)) == len(codes)
    assert [keys.key_of(c) for c in codes] == SCHEDULE_KEYS
    assert all(0 < c < 2**63 for c in codes)  # a PostgreSQL bigint


@pytest.mark.parametrize(
    "key", ["manual:1:2026-10-19T09:00", "bench:1:overdue", "sign:x:n1", "sign:0:n1", "sign:1:soon"]
)
def test_keys_outside_the_schedule_have_no_code(key):
    with pytest.raises((ValueError, KeyError)):
        keys.code_of(key)


@pytest.mark.django_db
def test_the_sql_code_is_the_python_code(lead_assignment):
    from django.db.models import Value

    from suggestions.models import Assignment

    row = Assignment.objects.filter(pk=lead_assignment.pk).annotate(
        n=keys.code_expression("sign", "n", Value(3)),
        before=keys.code_expression("reply_due", "before", Value(0)),
    )
    n, before = row.values_list("n", "before").get()
    assert n == keys.code_of(f"sign:{lead_assignment.pk}:n3")
    assert before == keys.code_of(f"reply_due:{lead_assignment.pk}:before0")
