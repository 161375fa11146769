"""What each role may read of the scoring: staff and leaders every office, an office its own released sheet."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import Http404

from suggestions.actor import Actor
from yearend import scoring
from yearend.models import Objection, Rubric, ScoreLine, ScoreSheet, ScoringAudit

SS = ScoreSheet.Status
VISIBLE_TO_OFFICE = (SS.RELEASED, SS.FINAL)


def rubrics_for(actor: Actor):
    """Every rubric version of the actor's congress for its staff and leaders; none for anyone else."""
    if not (actor.is_staff or actor.is_leader) or actor.congress_id is None:
        return Rubric.objects.none()
    return (
        Rubric.objects.filter(congress_id=actor.congress_id)
        .annotate(sheet_count=Count("sheets"))
        .order_by("-year", "-version")
    )


def rubric_for(actor: Actor, pk: Any) -> Rubric:
    rubric = rubrics_for(actor).filter(pk=pk).first()
    if rubric is None:
        raise Http404
    return rubric


def _with_open_objections(queryset):
    return queryset.annotate(
        open_objection_count=Count("objections", filter=Q(objections__status=Objection.Status.OPEN))
    )


def sheets_for(actor: Actor):
    """Staff and leaders: every sheet of their congress; an office: its own, once released to it."""
    sheets = _with_open_objections(
        ScoreSheet.objects.filter(rubric__congress_id=actor.congress_id).select_related("rubric", "office")
    )
    if actor.is_staff or actor.is_leader:
        return sheets
    if not actor.office_ids:
        return sheets.none()
    return sheets.filter(office_id__in=actor.office_ids, status__in=VISIBLE_TO_OFFICE)


def sheet_for(actor: Actor, pk: Any) -> ScoreSheet:
    """One sheet the actor may read, else 404 (another office's sheet does not exist for an office)."""
    sheet = sheets_for(actor).filter(pk=pk).first()
    if sheet is None:
        raise Http404
    return sheet


def office_sheets(actor: Actor):
    """The office portal's list: the actor's own offices' released sheets, newest year first."""
    if not actor.office_ids:
        return ScoreSheet.objects.none()
    return (
        _with_open_objections(ScoreSheet.objects.select_related("rubric", "office"))
        .filter(rubric__congress_id=actor.congress_id, office_id__in=actor.office_ids, status__in=VISIBLE_TO_OFFICE)
        .order_by("-rubric__year", "-rubric__version")
    )


def ranking(rubric: Rubric) -> list[ScoreSheet]:
    """The rubric's sheets best first, each with ``rank`` (staff and leaders only: the view asks first)."""
    return scoring.ranked(_with_open_objections(ScoreSheet.objects.filter(rubric=rubric).select_related("office")))


def previous_year(rubric: Rubric) -> Rubric | None:
    """Last year's rubric that scored offices (its latest published version with sheets)."""
    return (
        Rubric.objects.filter(
            congress_id=rubric.congress_id, year=rubric.year - 1, status=Rubric.Status.PUBLISHED, sheets__isnull=False
        )
        .order_by("-version")
        .distinct()
        .first()
    )


def with_last_year(rubric: Rubric, sheets: list[ScoreSheet]) -> Rubric | None:
    """Sets ``last_total``, ``last_rank`` and ``change`` on each sheet from last year's scores; returns that rubric."""
    last = previous_year(rubric)
    before = {s.office_id: s for s in ranking(last)} if last else {}
    for sheet in sheets:
        old = before.get(sheet.office_id)
        sheet.last_total = old.total if old else None
        sheet.last_rank = old.rank if old else None
        sheet.change = sheet.total - old.total if old else None
    return last


def sheet_lines(sheet: ScoreSheet) -> list[ScoreLine]:
    return list(
        sheet.lines.select_related("item", "item__result_class", "scored_by").order_by("item__order", "item_id")
    )


def sheet_objections(sheet: ScoreSheet):
    return sheet.objections.select_related("item", "filed_by", "answered_by").order_by("filed_at", "pk")


def sheet_audit(sheet: ScoreSheet):
    return ScoringAudit.objects.filter(sheet=sheet).select_related("actor").order_by("created_at", "pk")


def rubric_audit(rubric: Rubric):
    return (
        ScoringAudit.objects.filter(rubric=rubric, sheet__isnull=True)
        .select_related("actor")
        .order_by("created_at", "pk")
    )
