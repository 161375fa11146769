import pytest
from django.core.management import call_command

from suggestions.models import AuditLog, Suggestion


@pytest.mark.django_db
def test_demo_data_loads_twice_and_carries_the_renovation_item_to_a_published_satisfied_reply():
    call_command("seed_demo")
    count = Suggestion.objects.count()
    call_command("seed_demo")
    assert Suggestion.objects.count() == count
    showcase = Suggestion.objects.get(title__contains="9855厂")
    assert showcase.status == "closed" and showcase.is_key and showcase.is_published
    assert showcase.leader.title == "区委书记"
    assert set(showcase.ratings.values_list("value", flat=True)) == {"satisfied"}
    statuses = set(Suggestion.objects.values_list("status", flat=True))
    assert statuses >= {
        "draft",
        "submitted",
        "returned",
        "not_registered",
        "registered",
        "assigned",
        "handling",
        "replied",
        "rehandling",
        "closed",
        "withdrawn",
        "merged",
    }
    assert AuditLog.objects.filter(suggestion=showcase, action="publish").exists()
