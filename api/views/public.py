"""What the public may read without logging in: published outcomes, statistics and the filter menus.

Of one congress: ``?congress=<slug>`` (its public site's address, ``/<slug>/public/``), by default the first
congress (花溪区人大, what ``/public/`` shows). An unknown or inactive congress, or an outcome of another, is a 404.
"""

from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from api import serializers as s
from api.conventions import ApiView, Cursor
from api.filters import ApiOutcomeFilter
from api.views.suggestions import ERRORS
from delegates.models import Session
from suggestions.models import Category, ResultClass, Suggestion
from suggestions.queries import public_detail, public_list, public_stats, public_summary
from suggestions.queries.public_congress import public_congress

TAG = "公开"


CONGRESS = OpenApiParameter(
    "congress", OpenApiTypes.STR, description="人大的网址标识（公开网站 /<标识>/public/ 中的部分），默认花溪区人大"
)


class _Public(ApiView):
    permission_classes = [AllowAny]
    authentication_classes = []  # the same answer for everyone: no session, no token read

    @property
    def congress(self):
        congress = public_congress(self.request.query_params.get("congress", "").strip()[:40] or None)
        if congress is None:
            raise Http404
        return congress


class _CongressFilter(DjangoFilterBackend):
    """The list's filters with the menus (sessions, categories, offices, result classes) of the congress."""

    def get_filterset_kwargs(self, request, queryset, view):
        return {**super().get_filterset_kwargs(request, queryset, view), "congress": view.congress}


@extend_schema(tags=[TAG])
class OutcomeList(_Public):
    serializer_class = s.OutcomeRowSerializer
    pagination_class = Cursor
    filter_backends = [_CongressFilter]
    filterset_class = ApiOutcomeFilter
    queryset = Suggestion.objects.none()  # for the schema's filter parameters; rows come from the selectors

    @extend_schema(
        summary="公开的办理结果",
        description="一个人大已公开的建议及其办理结果（已审核的公开版本），筛选和中文检索与公开网页相同，无需登录。",
        parameters=[CONGRESS],
        responses={200: s.OutcomeRowSerializer(many=True), 400: ERRORS[400], 404: ERRORS[404]},
    )
    def get(self, request):
        queryset = self.filter_queryset(public_list.outcomes(self.congress))
        paginator = self.paginator
        rows = paginator.paginate_queryset(queryset, request, view=self)
        public_summary.outcome_rows(rows)
        return paginator.get_paginated_response(s.OutcomeRowSerializer(rows, many=True).data)


@extend_schema(tags=[TAG])
class OutcomeDetail(_Public):
    serializer_class = s.OutcomeDetailSerializer

    @extend_schema(
        summary="一件公开的办理结果",
        parameters=[CONGRESS],
        responses={200: s.OutcomeDetailSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk):
        suggestion = public_detail.outcome_detail(pk, self.congress)
        if suggestion is None:
            raise Http404
        return Response(s.OutcomeDetailSerializer(suggestion).data)


@extend_schema(tags=[TAG])
class Statistics(_Public):
    serializer_class = s.StatisticsSerializer

    @extend_schema(
        summary="办理情况统计",
        description="一次会议已立案建议的办复率、按时办复率、满意率等（各含分子和分母）；默认当前会议。",
        parameters=[OpenApiParameter("session", OpenApiTypes.INT, description="会议编号"), CONGRESS],
        responses={200: s.StatisticsSerializer, 404: ERRORS[404]},
    )
    def get(self, request):
        sessions = public_stats.stats_sessions(self.congress)
        wanted = request.query_params.get("session", "")
        session = next((x for x in sessions if wanted.isdigit() and x.pk == int(wanted)), None)
        if session is None and wanted:
            raise Http404
        session = session or next((x for x in sessions if x.is_current), sessions[0] if sessions else None)
        if session is None:
            raise Http404
        figures = public_stats.session_stats(session)["figures"]
        data = {
            "session": {"pk": session.pk, "name": session.name},
            "sessions": [{"pk": x.pk, "name": x.name} for x in sessions],
            "figures": figures,
        }
        return Response(s.StatisticsSerializer(data).data)


@extend_schema(tags=[TAG])
class Menus(_Public):
    serializer_class = s.MenusSerializer

    @extend_schema(
        summary="类别、会议和办理结果分类",
        parameters=[CONGRESS],
        responses={200: s.MenusSerializer, 404: ERRORS[404]},
    )
    def get(self, request):
        congress = self.congress
        categories = Category.objects.filter(congress=congress, is_active=True)
        data = {
            "categories": [{"pk": c.pk, "name": c.name} for c in categories],
            "sessions": [
                {"pk": x.pk, "name": x.name} for x in Session.objects.filter(congress=congress).order_by("-pk")
            ],
            "result_classes": list(ResultClass.objects.filter(congress=congress).order_by("order", "code")),
        }
        return Response(s.MenusSerializer(data).data)
