"""Suggestions: list, detail with timeline, drafts (create, autosave with If-Match), submit, withdraw, files,
co-signing invitations and ratings. Reads are scoped by ``suggestions.queries``; writes are
``suggestions.actions``; what may be done now is ``suggestions.policy``'s answer."""

from typing import Any

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from api import serializers as s
from api.conventions import IDEMPOTENCY_PARAMETER, IF_MATCH_PARAMETER, ApiView, Cursor, idempotent
from api.errors import ErrorSerializer
from api.filters import ApiSuggestionFilter
from delegates.models import Delegate
from suggestions import actions, policy, roles
from suggestions.errors import InvalidInput
from suggestions.models import Category, CoSigner, Reply, Suggestion
from suggestions.policy import Action
from suggestions.queries import delegate_selectors, selectors
from suggestions.uploads import check_upload
from suggestions.web.common import suggestion_detail_context

TAG = "建议"
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="输入有误"),
    401: OpenApiResponse(ErrorSerializer, description="未登录或令牌无效"),
    403: OpenApiResponse(ErrorSerializer, description="无权进行此操作"),
    404: OpenApiResponse(ErrorSerializer, description="没有找到，或无权查看"),
    409: OpenApiResponse(ErrorSerializer, description="当前状态不允许"),
}


def visible_or_404(user: Any, pk: int) -> Suggestion:
    """The suggestion ``pk`` if ``user`` may read it (the pages' scope), else 404."""
    suggestion = selectors.suggestion_for_detail(user, pk)
    if suggestion is None:
        raise Http404
    return suggestion


def detail_data(view: ApiView, suggestion: Suggestion) -> dict:
    """The detail representation as the detail page shows it to this user (timeline filtered by the rules)."""
    context = suggestion_detail_context(view.request.user, suggestion)
    suggestion.loaded_cosigners = context["cosigners"]  # the policy reads them instead of querying
    for reply in context["replies"]:
        reply.suggestion = suggestion
    suggestion.api_cosigners = context["cosigners"]
    suggestion.api_assignments = context["assignments"]
    suggestion.api_replies = context["replies"]
    suggestion.api_files = list(context["attachments"]) + list(context["office_files"])
    suggestion.api_timeline = context["timeline"]
    return s.SuggestionDetailSerializer(suggestion, context=view.get_serializer_context()).data


def _category(user: Any, value: int | None) -> Category | None:
    """An active category of the congress the user acts in (another congress's id is no category)."""
    if value is None:
        return None
    return Category.objects.filter(pk=value, is_active=True, congress_id=roles.congress_id_of(user)).first()


@extend_schema(tags=[TAG])
class SuggestionList(ApiView):
    """建议列表（与网页相同的筛选和中文检索）与新建草稿。"""

    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiSuggestionFilter
    queryset = Suggestion.objects.none()  # for the schema's filter parameters; rows come from the selectors
    serializer_class = s.SuggestionRowSerializer
    pagination_class = Cursor

    def get_queryset(self):
        return selectors.suggestions_visible_to(self.request.user).select_related("category", "lead_delegate")

    @extend_schema(
        summary="我可以查看的建议",
        description="代表：领衔、联名和受邀联名的建议；承办单位：交办给本单位的；工作人员：已提交的全部建议。"
        "筛选与网页相同，q 为中文关键词检索。按游标分页。",
        responses={200: s.SuggestionRowSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        return self.page(queryset, s.SuggestionRowSerializer)

    @extend_schema(
        summary="新建草稿",
        description="领衔代表新建一件建议草稿。可带 Idempotency-Key：重试不会重复新建。",
        request=s.DraftInputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: s.SuggestionDetailSerializer, **ERRORS},
    )
    @idempotent
    def post(self, request):
        data = s.DraftInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        suggestion = actions.suggestion_save_draft(
            actor=request.user,
            title=values["title"],
            body=values["body"],
            category=_category(request.user, values["category"]),
            series=values.get("series"),
        )
        return Response(detail_data(self, visible_or_404(request.user, suggestion.pk)), status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class SuggestionDetail(ApiView):
    """一件建议：内容、联名代表、承办单位、答复、附件、办理过程和可进行的操作。"""

    serializer_class = s.SuggestionDetailSerializer

    @extend_schema(summary="建议详情", responses={200: s.SuggestionDetailSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(detail_data(self, visible_or_404(request.user, pk)))

    @extend_schema(
        summary="修改草稿（自动保存）",
        description="只改给出的字段。必须带 If-Match（读取时的 ETag）：内容已在别处修改时返回 412，不会覆盖。",
        request=s.DraftPatchSerializer,
        parameters=[IF_MATCH_PARAMETER],
        responses={200: s.SuggestionDetailSerializer, 412: ErrorSerializer, 428: ErrorSerializer, **ERRORS},
    )
    def patch(self, request, pk):
        suggestion = visible_or_404(request.user, pk)
        data = s.DraftPatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy.require(request.user, Action.EDIT, suggestion)
        self.check_if_match(detail_data(self, suggestion))
        values = data.validated_data
        category = _category(request.user, values["category"]) if "category" in values else suggestion.category
        actions.suggestion_save_draft(
            actor=request.user,
            suggestion=suggestion,
            title=values.get("title", suggestion.title),
            body=values.get("body", suggestion.body),
            category=category,
            series=values.get("series"),
        )
        return Response(detail_data(self, visible_or_404(request.user, pk)))


class _SuggestionAction(ApiView):
    serializer_class = s.SuggestionDetailSerializer

    def done(self, pk):
        return Response(detail_data(self, visible_or_404(self.request.user, pk)))


@extend_schema(tags=[TAG])
class SuggestionSubmit(_SuggestionAction):
    @extend_schema(summary="提交建议", request=None, responses={200: s.SuggestionDetailSerializer, **ERRORS})
    def post(self, request, pk):
        actions.suggestion_submit(suggestion=visible_or_404(request.user, pk), actor=request.user)
        return self.done(pk)


@extend_schema(tags=[TAG])
class SuggestionWithdraw(_SuggestionAction):
    @extend_schema(
        summary="撤回建议", request=s.ReasonSerializer, responses={200: s.SuggestionDetailSerializer, **ERRORS}
    )
    def post(self, request, pk):
        suggestion = visible_or_404(request.user, pk)
        data = s.ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actions.suggestion_withdraw(suggestion=suggestion, actor=request.user, reason=data.validated_data["reason"])
        return self.done(pk)


@extend_schema(tags=[TAG])
class SuggestionInvite(_SuggestionAction):
    @extend_schema(
        summary="邀请联名代表",
        description="领衔代表邀请同届代表联名；被邀请的代表在“联名邀请”中确认或谢绝。",
        request=s.InviteSerializer,
        responses={200: s.SuggestionDetailSerializer, **ERRORS},
    )
    def post(self, request, pk):
        suggestion = visible_or_404(request.user, pk)
        data = s.InviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = set(data.validated_data["delegates"])
        invitees = list(Delegate.objects.filter(pk__in=ids, term_id=suggestion.lead_delegate.term_id, is_active=True))
        if len(invitees) != len(ids):
            raise InvalidInput(_("找不到这位代表，请重新查找。"))
        actions.cosigner_invite(suggestion=suggestion, actor=request.user, delegates=invitees)
        return self.done(pk)


@extend_schema(tags=[TAG])
class SuggestionAttachments(ApiView):
    serializer_class = s.AttachmentSerializer
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="上传附件",
        description="领衔代表在草稿阶段上传附件（按文件内容检查类型和大小）。可带 Idempotency-Key。",
        request={"multipart/form-data": s.UploadSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: s.AttachmentSerializer, **ERRORS},
    )
    @idempotent
    def post(self, request, pk):
        suggestion = visible_or_404(request.user, pk)
        data = s.UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        attachment = actions.attachment_add(
            suggestion=suggestion, actor=request.user, uploaded_file=upload, content_type=check_upload(upload)
        )
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class AttachmentDownload(ApiView):
    @extend_schema(
        summary="下载附件",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 401: ErrorSerializer, 404: ErrorSerializer},
    )
    def get(self, request, pk):
        attachment = selectors.attachment_for_user(request.user, pk)
        if attachment is None:
            raise Http404
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )


# --------------------------------------------------------------------------- co-signing and rating

INVITATIONS = "联名和评价"


@extend_schema(tags=[INVITATIONS])
class InvitationList(ApiView):
    serializer_class = s.InvitationSerializer

    @extend_schema(summary="等我答复的联名邀请", responses={200: s.InvitationSerializer(many=True), **ERRORS})
    def get(self, request):
        me = roles.delegate_of(request.user)
        # The 100 due soonest: an answer stays bounded however many invitations wait.
        rows = delegate_selectors.open_invitations(me, limit=100)[0] if me else []
        return Response(s.InvitationSerializer(rows, many=True, context=self.get_serializer_context()).data)


class _Respond(ApiView):
    serializer_class = s.InvitationSerializer
    accept = True

    def post(self, request, pk):
        me = roles.delegate_of(request.user)
        cosigner = delegate_selectors.cosigner_for_delegate(me, pk) if me else None
        if cosigner is None:
            raise Http404
        cosigner = actions.cosigner_respond(cosigner=cosigner, actor=request.user, accept=self.accept)
        cosigner = CoSigner.objects.select_related("suggestion__category", "suggestion__lead_delegate").get(
            pk=cosigner.pk
        )
        return Response(s.InvitationSerializer(cosigner, context=self.get_serializer_context()).data)


@extend_schema(tags=[INVITATIONS])
class InvitationConfirm(_Respond):
    post = extend_schema(summary="确认联名", request=None, responses={200: s.InvitationSerializer, **ERRORS})(
        _Respond.post
    )


@extend_schema(tags=[INVITATIONS])
class InvitationDecline(_Respond):
    accept = False
    post = extend_schema(summary="谢绝联名", request=None, responses={200: s.InvitationSerializer, **ERRORS})(
        _Respond.post
    )


@extend_schema(tags=[INVITATIONS])
class CoSignerDrop(ApiView):
    serializer_class = s.SuggestionDetailSerializer

    @extend_schema(
        summary="撤销联名邀请",
        description="领衔代表在提交前撤销一份联名邀请或已确认的联名。",
        request=None,
        responses={200: s.SuggestionDetailSerializer, **ERRORS},
    )
    def post(self, request, pk):
        readable = selectors.suggestions_visible_to(request.user).values("pk")
        cosigner = (
            CoSigner.objects.select_related("suggestion", "delegate").filter(pk=pk, suggestion__in=readable).first()
        )
        if cosigner is None:
            raise Http404
        actions.cosigner_drop(cosigner=cosigner, actor=request.user)
        return Response(detail_data(self, visible_or_404(request.user, cosigner.suggestion_id)))


@extend_schema(tags=[INVITATIONS])
class ReplyRate(ApiView):
    serializer_class = s.RatingSerializer

    @extend_schema(
        summary="评价答复",
        description="领衔代表和联名代表对本轮每份答复各评价一次；不满意（须写理由）将重新办理。可带 Idempotency-Key。",
        request=s.RateInputSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: s.RatingSerializer, **ERRORS},
    )
    @idempotent
    def post(self, request, pk):
        reply = (
            Reply.objects.select_related("suggestion", "round", "assignment__office")
            .filter(pk=pk, status=Reply.Status.SUBMITTED, suggestion__in=selectors.suggestions_visible_to(request.user))
            .first()
        )
        if reply is None:
            raise Http404
        data = s.RateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rating = actions.rating_submit(
            reply=reply,
            actor=request.user,
            value=data.validated_data["value"],
            comment=data.validated_data.get("comment", ""),
        )
        return Response(s.RatingSerializer(rating).data, status=status.HTTP_201_CREATED)
