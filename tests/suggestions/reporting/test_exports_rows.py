"""The 汇总表 writer (plain-value queries per chunk) gives exactly the rows of ``summary_row`` over ``summary_queryset``."""

import io

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from suggestions.models import Assignment, Rating, Reply, Suggestion
from suggestions.reporting import exports
from tests import factories


def _values(build):
    workbook = Workbook(write_only=True)
    build(workbook)
    handle = io.BytesIO()
    workbook.save(handle)
    sheet = load_workbook(io.BytesIO(handle.getvalue()))["汇总表"]
    return [[(cell.value, cell.font.b, cell.alignment.horizontal, cell.number_format) for cell in row] for row in sheet]


def _reference(workbook, suggestions, *, title, keep_order=False):
    """The row-by-row writer over model instances and prefetches, as it was before the fast path."""
    sheet = exports.Sheet(workbook, name="汇总表", title=title, columns=exports.summary_columns())
    labels = exports.Labels()
    for index, suggestion in enumerate(exports.summary_queryset(suggestions, keep_order=keep_order), start=1):
        sheet.append(exports.summary_row(index, suggestion, labels))
    total = [""] * len(sheet.columns)
    total[0], total[2] = "合计", f"共{sheet.count}件"
    sheet.append(total, bold=True)


@pytest.fixture
def rich_data(make_report_data, session, staff, office, co_office, other_office, clerk, co_clerk, other_clerk):
    data = make_report_data(extra=2)
    # s1 gets a second answering office with its own reply (results listed per office), and mixed ratings.
    s1 = data["s1"]
    first_reply = Reply.objects.get(suggestion=s1)
    separate = Assignment.objects.create(
        suggestion=s1,
        office=other_office,
        role=Assignment.Role.SEPARATE,
        status=Assignment.Status.REPLIED,
        return_by=timezone.localdate(),
        due_date=timezone.localdate(),
    )
    second_reply = Reply.objects.create(
        assignment=separate,
        suggestion=s1,
        round=first_reply.round,
        status=Reply.Status.SUBMITTED,
        result_class=None,
        text="另行答复。",
        author=other_clerk,
        submitted_at=timezone.now(),
    )
    other = factories.DelegateFactory(term=session.term, name="刘建国")
    Rating.objects.create(
        reply=second_reply, suggestion=s1, round=first_reply.round, delegate=other, value=Rating.Value.UNSATISFIED
    )
    # A recess-series number.
    Suggestion.objects.filter(pk=data["s2"].pk).update(series=Suggestion.Series.RECESS)
    return data


@pytest.mark.django_db
class TestSummaryRows:
    def test_the_fast_writer_matches_the_row_by_row_writer_cell_for_cell(self, session, rich_data):
        suggestions = Suggestion.objects.exclude(status=Suggestion.Status.DRAFT)
        fast = _values(lambda wb: exports.write_summary(wb, suggestions, title="汇总"))
        reference = _values(lambda wb: _reference(wb, suggestions, title="汇总"))
        assert len(fast) == 2 + 7 + 1
        assert fast == reference
        by_title = {row[2][0]: row for row in fast}
        first = by_title["关于加快老旧小区改造的建议"]
        assert first[10][0] == "区住房和城乡建设局：A\n区交通运输局："
        assert first[11][0] == "满意1、不满意1"
        assert by_title["关于增设公交站台的建议"][1][0].startswith("闭会第")

    def test_a_given_order_is_kept_when_asked(self, session, rich_data):
        suggestions = Suggestion.objects.exclude(status=Suggestion.Status.DRAFT).order_by("-title")
        fast = _values(lambda wb: exports.write_summary(wb, suggestions, title="汇总", keep_order=True))
        reference = _values(lambda wb: _reference(wb, suggestions, title="汇总", keep_order=True))
        assert fast == reference
        titles = [row[2][0] for row in fast[2:-1]]
        assert titles == sorted(titles, reverse=True)

    def test_the_query_count_does_not_grow_with_the_rows(self, session, rich_data, django_assert_max_num_queries):
        suggestions = Suggestion.objects.exclude(status=Suggestion.Status.DRAFT)
        # One for the rows, two small lookups, five per chunk of up to CHUNK suggestions.
        workbook = Workbook(write_only=True)
        with django_assert_max_num_queries(8):
            exports.write_summary(workbook, suggestions, title="汇总")
        workbook.save(io.BytesIO())
