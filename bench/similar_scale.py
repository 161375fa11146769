"""The labelled sets of the similar-suggestion hint inside the bench data (issue 16: hints that stay useful as data grows).

The tests measure the hint on the labelled sets alone (60 suggestions each). Here the same suggestions are added
to the bench data (100k or a million, inside a transaction rolled back at the end) and each one's hint, as staff
see it beside a suggestion under review (title and body, the index path with the table's own statistics), is
read again: how many of its five same-topic suggestions are still in its top ten among all the others. The bench
data's bodies mix sentences of many subjects (parking, sanitation, water …), so thousands of its suggestions share
a labelled topic's words and concepts: a low recall here means the labelled items are crowded out by partly related
generated ones, not necessarily by unrelated ones. It is a comparison between versions of the hint, not a bar.
"""

import statistics
import time


def figures(Figure):
    from django.db import transaction

    from delegates.models import Delegate, Session
    from suggestions.models import Category, Suggestion
    from suggestions.queries import similar
    from tests.suggestions.queries import similar_cases, similar_cases_heldout

    figs = []
    for label, cases in (
        ("the issue's labelled set", similar_cases.CASES),
        ("the held-out set", similar_cases_heldout.CASES),
    ):
        with transaction.atomic():
            session = Session.objects.filter(is_current=True).order_by("pk").first() or Session.objects.first()
            delegate = Delegate.objects.filter(congress_id=session.congress_id).order_by("pk").first()
            category = Category.objects.filter(congress_id=session.congress_id).order_by("pk").first()
            topic_of = {}
            for topic, items in cases.items():
                for title, body in items:
                    s = Suggestion.objects.create(
                        session=session,
                        congress_id=session.congress_id,
                        title=title,
                        body=body,
                        category=category,
                        lead_delegate=delegate,
                        status=Suggestion.Status.REGISTERED,
                    )
                    topic_of[s.pk] = topic
            pool = Suggestion.objects.filter(status__in=similar.HINT_STATUSES)
            recalls, times = [], []
            for s in Suggestion.objects.filter(pk__in=topic_of):
                start = time.perf_counter()
                hits = similar.find(pool, s.title, s.body, congress_id=s.congress_id, exclude_pk=s.pk, method="index")
                times.append(time.perf_counter() - start)
                ids = [h.suggestion.pk for h in hits][:10]
                recalls.append(sum(topic_of.get(p) == topic_of[s.pk] for p in ids) / 5)
            transaction.set_rollback(True)
        _clean_pending_lists()
        recall = sum(recalls) / len(recalls)
        total = similar.table_statistics(transaction.get_connection())[0]
        figs.append(
            Figure(
                f"similar-suggestion hint among all the data, {label} (staff review, title and body)",
                value=f"recall@10 {recall:.2f} of the same-topic items among {total:,.0f} suggestions, "
                f"{sum(r == 0 for r in recalls)} of {len(recalls)} queries find none",
                bar="no bar (the tests' bar is on the set alone: recall@10 ≥ 0.8)",
                baseline=f"median {1000 * statistics.median(times):.1f} ms a query",
                verdict="info",
                data={"recall": recall, "queries": len(recalls), "none": sum(r == 0 for r in recalls)},
            )
        )
    return figs


def _clean_pending_lists():
    """The rolled-back rows' bigrams stay in the GIN indexes' pending lists until merged: merge them now, so that
    the figures timed after these are not read through them (migration 0033)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'gin' AND i.indrelid = 'suggestions_suggestion'::regclass"
        )
