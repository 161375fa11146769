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


@pytest.mark.django_db
def test_demo_data_has_stations_with_opinions_in_every_handling_state_and_drafts_awaiting_confirmation():
    from stations.models import GroupDiscussion, OpinionPhoto, RecordedDraft, ResidentOpinion, Station

    call_command("seed_demo")
    call_command("seed_demo")
    assert Station.objects.filter(name="青岩镇代表联络站", staff__username="lianluo_yang").count() == 1
    assert set(ResidentOpinion.objects.values_list("status", flat=True)) >= {
        "received",
        "forwarded",
        "suggested",
        "closed",
    }
    assert ResidentOpinion.objects.filter(forwarded_office__short_name="交通局", status="forwarded").exists()
    assert ResidentOpinion.objects.filter(rating="satisfied", published_at__isnull=False).exists()
    published = ResidentOpinion.objects.get(published_at__isnull=False)
    assert "139" not in published.public_text and "罗" not in published.public_text
    assert OpinionPhoto.objects.exists() and GroupDiscussion.objects.count() == 1
    assert RecordedDraft.objects.filter(confirmed_at__isnull=True, discussion__isnull=False).count() == 1
    assert RecordedDraft.objects.filter(confirmed_at__isnull=True, station__isnull=False).count() == 1


@pytest.mark.django_db
def test_demo_data_carries_a_b_answer_of_last_year_into_this_year_and_holds_a_differing_re_survey():
    from suggestions.models import Carryover, Resurvey
    from suggestions.reporting.followup import followup_figures, resurvey_figures

    call_command("seed_demo")
    carry = Carryover.objects.select_related("reply__suggestion__session", "session").get()
    assert carry.reply.result_class.code == "B" and carry.session.is_current
    assert not carry.reply.suggestion.session.is_current
    assignment = carry.round.followup_assignments.get()
    assert assignment.status == "replied"
    assert assignment.replies.get().ratings.get().value == "satisfied"
    assert followup_figures(carry.session_id)["counts"]["rated"] == 1
    differing = [r for r in Resurvey.objects.select_related("rating") if r.differs]
    assert len(differing) == 1 and differing[0].rating.value != differing[0].value
    assert resurvey_figures(carry.session_id)["counts"]["differing"] == 1
