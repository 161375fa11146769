"""Excel writers: the 汇总表 of a list of suggestions and the per-office table (sheets from ``xlsx``)."""

from collections import Counter

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import BigIntegerField, BooleanField, F, Func, Prefetch, Q, Value
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from suggestions.models import Assignment, CoSigner, HandlingRound, Office, Rating, Reply, ResultClass, Suggestion
from suggestions.queries.selectors import ENDED_ASSIGNMENT
from suggestions.reporting.xlsx import Sheet

ROLE_ORDER = {Assignment.Role.LEAD: 0, Assignment.Role.CO: 1, Assignment.Role.SEPARATE: 2}
CHUNK = 500


# --------------------------------------------------------------------------- 汇总表


def summary_columns():
    return [
        (_("序号"), 6, "center"),
        (_("编号"), 12, "center"),
        (_("标题"), 36, "wrap"),
        (_("领衔代表"), 10, "center"),
        (_("联名代表"), 16, "wrap"),
        (_("类别"), 10, "center"),
        (_("承办单位"), 26, "wrap"),
        (_("状态"), 12, "center"),
        (_("答复期限"), 12, "date"),
        (_("答复日期"), 12, "date"),
        (_("办理结果"), 14, "wrap"),
        (_("代表评价"), 14, "wrap"),
    ]


def summary_queryset(suggestions, *, keep_order=False):
    """The suggestions with everything a summary row shows, in a fixed number of queries per chunk."""
    # Long texts are not in the table: leaving them in the database keeps each chunk small.
    suggestions = suggestions.select_related("category", "lead_delegate", "session").defer("body", "status_reason")
    suggestions = suggestions.prefetch_related(
        Prefetch(
            "cosigners",
            queryset=CoSigner.objects.filter(status=CoSigner.Status.CONFIRMED).select_related("delegate"),
            to_attr="confirmed_cosigners",
        ),
        Prefetch(
            "assignments",
            queryset=Assignment.objects.exclude(status__in=ENDED_ASSIGNMENT).select_related("office").order_by("id"),
            to_attr="active_assignments",
        ),
        Prefetch(
            "replies",
            queryset=Reply.objects.filter(status=Reply.Status.SUBMITTED)
            .select_related("result_class", "round", "assignment__office")
            .defer("text", "public_text")
            .order_by("round__number", "submitted_at", "id"),
            to_attr="submitted_replies",
        ),
        Prefetch(
            "ratings",
            queryset=Rating.objects.select_related("round").defer("comment").order_by("id"),
            to_attr="all_ratings",
        ),
    )
    return _ordered(suggestions, keep_order=keep_order)


class Labels:
    """Translated labels looked up once per export, not once per cell."""

    def __init__(self):
        self.statuses = {value: str(label) for value, label in Suggestion.Status.choices}
        self.roles = {value: str(label) for value, label in Assignment.Role.choices}
        self.ratings = {value: str(label) for value, label in Rating.Value.choices}
        self.office_role = _("%(office)s（%(role)s）")
        self.office_result = _("%(office)s：%(code)s")
        self.recess_number = _("闭会第%(number)s号")
        self.session_number = _("第%(number)s号")

    # Small tables, read once per export (and only by ``write_summary``).
    @cached_property
    def offices(self):
        return dict(Office.objects.order_by().values_list("id", "name"))

    @cached_property
    def result_classes(self):
        return {pk: (code, name) for pk, code, name in ResultClass.objects.order_by().values_list("id", "code", "name")}


def _offices_text(assignments, labels):
    ordered = sorted(assignments, key=lambda a: (ROLE_ORDER.get(a.role, 9), a.pk))
    return "\n".join(labels.office_role % {"office": a.office.name, "role": labels.roles[a.role]} for a in ordered)


def _due_date(assignments):
    answering = [a.effective_due for a in assignments if a.answers_delegate]
    return min(answering) if answering else None


def _results_text(suggestion, labels):
    """The result class of each answering office's latest reply."""
    latest = {}
    for reply in suggestion.submitted_replies:
        latest[reply.assignment_id] = reply
    replies = list(latest.values())
    if len(replies) == 1:
        return str(replies[0].result_class or "")
    return "\n".join(
        labels.office_result
        % {"office": r.assignment.office.name, "code": r.result_class.code if r.result_class else ""}
        for r in replies
    )


def _ratings_text(suggestion, labels):
    """Ratings of the latest round: one word when all agree, otherwise how many of each."""
    current = [r for r in suggestion.all_ratings if r.round.number == suggestion.current_round]
    if not current:
        return ""
    counts = Counter(r.value for r in current)
    if len(counts) == 1:
        return labels.ratings[current[0].value]
    return "、".join(f"{labels.ratings[value]}{counts[value]}" for value in Rating.Value.values if counts.get(value))


def summary_row(index, suggestion, labels=None):
    labels = labels or Labels()
    assignments = suggestion.active_assignments
    replied = timezone.localtime(suggestion.first_replied_at).date() if suggestion.first_replied_at else None
    return [
        index,
        suggestion.number_display,
        suggestion.title,
        suggestion.lead_delegate.name,
        "、".join(c.delegate.name for c in suggestion.confirmed_cosigners),
        suggestion.category.name,
        _offices_text(assignments, labels),
        labels.statuses[suggestion.status],
        _due_date(assignments),
        replied,
        _results_text(suggestion, labels),
        _ratings_text(suggestion, labels),
    ]


def _ordered(suggestions, *, keep_order):
    if keep_order and suggestions.query.order_by:
        return suggestions
    return suggestions.order_by("session_id", "series", F("number").asc(nulls_last=True), "pk")


SUMMARY_FIELDS = (
    "pk",
    "series",
    "number",
    "title",
    "lead_delegate__name",
    "category__name",
    "status",
    "first_replied_at",
    "current_round",
)


def _chunks(rows, size):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _AnyOf(Func):
    """``column = ANY(%s)`` with the ids as one array parameter: cheaper to build and send than ``IN`` with 500."""

    template = "(%(expressions)s))"
    arg_joiner = " = ANY("
    output_field = BooleanField()


def _any(ids):
    if connection.vendor != "postgresql":
        return Q(suggestion_id__in=ids)  # SQLite (make run) has no arrays: CHUNK ids stay under its variable limit
    return _AnyOf(F("suggestion_id"), Value(ids, output_field=ArrayField(BigIntegerField())))


def _grouped(queryset, ids, fields):
    """``{suggestion_id: [row, ...]}`` of the queryset's rows for these suggestions, in the queryset's order."""
    grouped = {}
    for row in queryset.filter(_any(ids)).values_list("suggestion_id", *fields):
        grouped.setdefault(row[0], []).append(row)
    return grouped


def _summary_chunk_rows(chunk, labels):
    """The summary cells of one chunk of ``SUMMARY_FIELDS`` rows: four queries, plain tuples, no model instances.

    Same content as ``summary_row`` over ``summary_queryset``.
    """
    ids = [row[0] for row in chunk]
    # Round numbers come from their own small query: joining the rounds table into the reply and
    # rating queries makes PostgreSQL hash the whole table once per chunk.
    rounds = dict(HandlingRound.objects.filter(_any(ids)).order_by().values_list("id", "number"))
    cosigners = _grouped(
        CoSigner.objects.filter(status=CoSigner.Status.CONFIRMED).order_by("invited_at", "id"), ids, ["delegate__name"]
    )
    assignments = _grouped(
        Assignment.objects.exclude(status__in=ENDED_ASSIGNMENT).order_by("id"),
        ids,
        ["id", "role", "office__name", "due_date", "extended_due"],
    )
    # Ordered by round number, then submission time and id: the database sorts by the last two, and
    # a stable sort on the round number here keeps that order within each round.
    replies = _grouped(
        Reply.objects.filter(status=Reply.Status.SUBMITTED).order_by(F("submitted_at").asc(nulls_last=True), "id"),
        ids,
        ["round_id", "assignment_id", "assignment__office_id", "result_class_id"],
    )
    ratings = _grouped(Rating.objects.order_by("id"), ids, ["round_id", "value"])
    answering = (Assignment.Role.LEAD, Assignment.Role.SEPARATE)
    for pk, series, number, title, lead, category, status, first_replied_at, current_round in chunk:
        if not number:
            number_display = ""
        elif series == Suggestion.Series.RECESS:
            number_display = labels.recess_number % {"number": number}
        else:
            number_display = labels.session_number % {"number": number}

        active = assignments.get(pk, ())
        ordered = sorted(active, key=lambda a: (ROLE_ORDER.get(a[2], 9), a[1]))
        offices = "\n".join(labels.office_role % {"office": a[3], "role": labels.roles[a[2]]} for a in ordered)
        dues = [
            Assignment.deadline_of(role=a[2], due_date=a[4], extended_due=a[5]) for a in active if a[2] in answering
        ]

        latest = {}
        for reply in sorted(replies.get(pk, ()), key=lambda r: rounds[r[1]]):
            latest[reply[2]] = reply
        if len(latest) == 1:
            (reply,) = latest.values()
            results = "{} {}".format(*labels.result_classes[reply[4]]) if reply[4] is not None else ""
        else:
            results = "\n".join(
                labels.office_result
                % {"office": labels.offices[r[3]], "code": labels.result_classes[r[4]][0] if r[4] is not None else ""}
                for r in latest.values()
            )

        current = [r[2] for r in ratings.get(pk, ()) if rounds[r[1]] == current_round]
        if not current:
            rated = ""
        else:
            counts = Counter(current)
            if len(counts) == 1:
                rated = labels.ratings[current[0]]
            else:
                rated = "、".join(
                    f"{labels.ratings[value]}{counts[value]}" for value in Rating.Value.values if counts.get(value)
                )

        yield [
            number_display,
            title,
            lead,
            "、".join(c[1] for c in cosigners.get(pk, ())),
            category,
            offices,
            labels.statuses[status],
            min(dues) if dues else None,
            timezone.localtime(first_replied_at).date() if first_replied_at else None,
            results,
            rated,
        ]


def write_summary(workbook, suggestions, *, title, keep_order=False):
    sheet = Sheet(workbook, name=_("汇总表"), title=title, columns=summary_columns())
    labels = Labels()
    rows = _ordered(suggestions, keep_order=keep_order).values_list(*SUMMARY_FIELDS).iterator(chunk_size=CHUNK)
    index = 0
    for chunk in _chunks(rows, CHUNK):
        for cells in _summary_chunk_rows(chunk, labels):
            index += 1
            sheet.append([index, *cells])
    total = [""] * len(sheet.columns)
    total[0], total[2] = _("合计"), _("共%(n)s件") % {"n": sheet.count}
    sheet.append(total, bold=True)
    return sheet.count


# --------------------------------------------------------------------------- per office


def office_columns():
    return [
        (_("序号"), 6, "center"),
        (_("承办单位"), 28, "wrap"),
        (_("交办件数"), 10, "center"),
        (_("主办"), 8, "center"),
        (_("协办"), 8, "center"),
        (_("分办"), 8, "center"),
        (_("已答复"), 10, "center"),
        (_("办复率"), 10, "rate"),
        (_("按时答复"), 10, "center"),
        (_("按时办复率"), 12, "rate"),
        (_("评价数"), 10, "center"),
        (_("满意及基本满意"), 14, "center"),
        (_("满意率"), 10, "rate"),
        (_("逾期未答复"), 12, "center"),
    ]


def _fraction(figure):
    return figure.numerator / figure.denominator if figure.denominator else "—"


def write_offices(workbook, rows, *, title):
    """``rows`` come from ``metrics.by_office``."""
    from suggestions.reporting.metrics import Figure

    sheet = Sheet(workbook, name=_("承办单位统计"), title=title, columns=office_columns())
    totals = Counter()
    keys = ("assigned", "lead", "co", "separate", "replied", "on_time", "rated", "rated_ok", "overdue")
    for index, row in enumerate(rows, start=1):
        totals.update({k: row[k] for k in keys})
        sheet.append(
            [
                index,
                row["office__name"],
                row["assigned"],
                row["lead"],
                row["co"],
                row["separate"],
                row["replied"],
                _fraction(row["reply_rate"]),
                row["on_time"],
                _fraction(row["on_time_rate"]),
                row["rated"],
                row["rated_ok"],
                _fraction(row["satisfaction"]),
                row["overdue"],
            ]
        )
    sheet.append(
        [
            _("合计"),
            "",
            totals["assigned"],
            totals["lead"],
            totals["co"],
            totals["separate"],
            totals["replied"],
            _fraction(Figure("", totals["replied"], totals["assigned"])),
            totals["on_time"],
            _fraction(Figure("", totals["on_time"], totals["replied"])),
            totals["rated"],
            totals["rated_ok"],
            _fraction(Figure("", totals["rated_ok"], totals["rated"])),
            totals["overdue"],
        ],
        bold=True,
    )
    return len(rows)
