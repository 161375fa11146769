"""Office clerks: the inbox of their office's assignments, one assignment, and every step of handling it."""

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from api import serializers as s
from api.conventions import IDEMPOTENCY_PARAMETER, ApiView, Cursor, idempotent
from api.views.suggestions import ERRORS
from suggestions import actions
from suggestions.errors import TransitionNotAllowed
from suggestions.models import Assignment, Reply, ResultClass
from suggestions.queries import office_selectors, timeline
from suggestions.uploads import check_upload

TAG = "承办单位"


def assignment_or_404(user: Any, pk: int) -> Assignment:
    """One assignment of the user's offices (the inbox's scope), else 404."""
    assignment = office_selectors.assignment_for_user(user, pk)
    if assignment is None:
        raise Http404
    return assignment


def current_reply(assignment: Assignment) -> Reply | None:
    """This round's reply of the assignment (draft or submitted), or ``None``."""
    replies = Reply.objects.select_related("assignment__office", "round", "result_class", "suggestion")
    if assignment.followup_round_id is not None:  # a 回头看 assignment works in its own round
        return replies.filter(assignment=assignment, round_id=assignment.followup_round_id).first()
    return replies.filter(assignment=assignment, round__number=assignment.suggestion.current_round).first()


def detail_data(view: ApiView, assignment: Assignment) -> dict:
    """The assignment as the office's page shows it: contacts, requests, this round's reply, timeline, actions."""
    user = view.request.user
    page = office_selectors.assignment_page(user, assignment)
    viewer = timeline.viewer_of(user, assignment.suggestion, assignments=[assignment], cosigners=[])
    assignment.contacts_list = page["contacts"]
    assignment.requests_list = page["requests"]
    reply = page["current_reply"]
    if reply is not None:
        reply.assignment, reply.suggestion = assignment, assignment.suggestion
    assignment.reply = reply
    assignment.reply_requirements = (
        actions.reply_requirements(assignment=assignment, suggestion=assignment.suggestion, reply=reply)
        if assignment.answers_delegate
        else []
    )
    assignment.timeline = timeline.timeline_for(
        viewer, timeline.build_timeline(page["logs"]), suggestion=assignment.suggestion
    )
    return s.AssignmentDetailSerializer(assignment, context=view.get_serializer_context()).data


@extend_schema(tags=[TAG])
class Inbox(ApiView):
    serializer_class = s.AssignmentSerializer
    pagination_class = Cursor

    @extend_schema(
        summary="本单位的交办（待签收、办理中、已答复……）",
        description="本人所在承办单位的全部有效交办，按游标分页。",
        responses={200: s.AssignmentSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        rows = office_selectors.office_assignments(request.user).select_related(
            "office", "suggestion__category", "suggestion__lead_delegate", "suggestion__session"
        )
        return self.page(rows, s.AssignmentSerializer)


@extend_schema(tags=[TAG])
class AssignmentDetail(ApiView):
    serializer_class = s.AssignmentDetailSerializer

    @extend_schema(summary="一项交办", responses={200: s.AssignmentDetailSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(detail_data(self, assignment_or_404(request.user, pk)))


class _Step(ApiView):
    serializer_class = s.AssignmentDetailSerializer

    def done(self, pk, code=status.HTTP_200_OK):
        return Response(detail_data(self, assignment_or_404(self.request.user, pk)), status=code)


@extend_schema(tags=[TAG])
class AssignmentSign(_Step):
    @extend_schema(summary="签收", request=None, responses={200: s.AssignmentDetailSerializer, **ERRORS})
    def post(self, request, pk):
        actions.assignment_sign(assignment=assignment_or_404(request.user, pk), actor=request.user)
        return self.done(pk)


@extend_schema(tags=[TAG])
class AssignmentContacts(_Step):
    @extend_schema(
        summary="记录沟通联系",
        description="签收后记录与代表的沟通联系（走访、座谈、电话等）。可带 Idempotency-Key。",
        request=s.ContactInputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: s.AssignmentDetailSerializer, **ERRORS},
    )
    @idempotent
    def post(self, request, pk):
        assignment = assignment_or_404(request.user, pk)
        data = s.ContactInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actions.contact_record(assignment=assignment, actor=request.user, **data.validated_data)
        return self.done(pk, status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class AssignmentOpinion(_Step):
    @extend_schema(
        summary="提交协办意见",
        request=s.OpinionInputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: s.AssignmentDetailSerializer, **ERRORS},
    )
    @idempotent
    def post(self, request, pk):
        assignment = assignment_or_404(request.user, pk)
        data = s.OpinionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actions.opinion_send(assignment=assignment, actor=request.user, text=data.validated_data["text"])
        return self.done(pk, status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class AssignmentReply(_Step):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        summary="保存本轮答复草稿",
        description="保存答复内容、办理结果分类、签发人，可同时上传盖章答复函（multipart）。提交用 reply/submit/。",
        request={"multipart/form-data": s.ReplyInputSerializer, "application/json": s.ReplyInputSerializer},
        responses={200: s.AssignmentDetailSerializer, **ERRORS},
    )
    def put(self, request, pk):
        assignment = assignment_or_404(request.user, pk)
        data = s.ReplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        code = values.get("result_class") or ""
        # Every congress has its own classes A–D: the one of the suggestion's congress.
        classes = ResultClass.objects.filter(congress_id=assignment.suggestion.congress_id, code=code)
        result_class = classes.first() if code else None
        letter = values.get("letter")
        actions.reply_save_draft_with_letter(
            assignment=assignment,
            actor=request.user,
            text=values["text"],
            result_class=result_class,
            signed_off_by=values.get("signed_off_by", ""),
            letter=(letter, check_upload(letter, images_and_pdf_only=True)) if letter else None,
        )
        return self.done(pk)


@extend_schema(tags=[TAG])
class AssignmentReplySubmit(_Step):
    @extend_schema(
        summary="提交答复",
        description="把本轮答复草稿送给代表；还缺少的事项（沟通联系、答复函等）以 409 和中文说明答复。",
        request=None,
        responses={200: s.AssignmentDetailSerializer, **ERRORS},
    )
    def post(self, request, pk):
        assignment = assignment_or_404(request.user, pk)
        reply = current_reply(assignment)
        if reply is None:
            raise TransitionNotAllowed(_("请先保存答复草稿。"))
        actions.reply_submit(reply=reply, actor=request.user)
        return self.done(pk)


@extend_schema(tags=[TAG])
class AssignmentExtension(_Step):
    @extend_schema(
        summary="申请延期",
        request=s.ExtensionInputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: s.AssignmentDetailSerializer, **ERRORS},
    )
    @idempotent
    def post(self, request, pk):
        assignment = assignment_or_404(request.user, pk)
        data = s.ExtensionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actions.extension_request(assignment=assignment, actor=request.user, **data.validated_data)
        return self.done(pk, status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class AssignmentReturnRequest(_Step):
    @extend_schema(
        summary="申请退回",
        description="签收前后、在申请退回期限内，说明理由申请退回或调整承办单位。",
        request=s.ReasonSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: s.AssignmentDetailSerializer, **ERRORS},
    )
    @idempotent
    def post(self, request, pk):
        assignment = assignment_or_404(request.user, pk)
        data = s.ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actions.assignment_request_return(
            assignment=assignment, actor=request.user, reason=data.validated_data["reason"]
        )
        return self.done(pk, status.HTTP_201_CREATED)
