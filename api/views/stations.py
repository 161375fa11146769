"""Liaison stations and residents' opinions: the public station pages, the resident's tracking code, and
the handlers' triage. Reads are ``stations.queries``; writes are ``stations.actions`` / ``stations.residents``;
what may be done now is the rule book's answer (``policy.available``, ``resident_may``)."""

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from api import serializers_stations as ss
from api.conventions import ApiView, Cursor
from api.views.suggestions import ERRORS
from security import events as security_events
from security.models import SecurityEventKind
from stations import actions, office, queries, residents
from stations.models import OpinionEntry, ResidentOpinion, Station
from suggestions import pii, policy
from suggestions.models import Office
from suggestions.policy import Action
from suggestions.policy.rules_stations import RESIDENT_ADD, RESIDENT_RATE, RESIDENT_WITHDRAW, resident_may

PUBLIC = "公开"
RESIDENTS = "群众意见查询"
TRIAGE = "联络站意见办理"
PUBLIC_ERRORS = {400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404], 409: ERRORS[409]}


class _NoLogin(ApiView):
    permission_classes = [AllowAny]
    authentication_classes = []  # the same answer for everyone: no session, no token read; throttled per address


# --------------------------------------------------------------------------- public


@extend_schema(tags=[PUBLIC])
class StationList(_NoLogin):
    serializer_class = ss.StationSerializer
    pagination_class = Cursor

    @extend_schema(
        summary="代表联络站",
        description="在用的代表联络站：名称、地址、开放时间和所属人大，无需登录。",
        responses={200: ss.StationSerializer(many=True)},
    )
    def get(self, request):
        return self.page(
            Station.objects.filter(is_active=True)
            .select_related("congress")
            .only("pk", "name", "address", "hours", "congress__name"),
            ss.StationSerializer,
        )


@extend_schema(tags=[PUBLIC])
class StationPublic(_NoLogin):
    serializer_class = ss.PublicStationSerializer

    @extend_schema(
        summary="一个联络站的公开页面",
        description="联络站的地址、开放时间、办理情况和已公开的答复（经审核的公开文本，无个人信息）。",
        responses={200: ss.PublicStationSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk):
        station = Station.objects.select_related("congress").filter(pk=pk, is_active=True).first()
        if station is None:
            raise Http404
        station.opinions_shown = list(queries.public_opinions(station=station)[:50])
        station.figures = (queries.station_statistics(station=station)["stations"] or [None])[0]
        return Response(ss.PublicStationSerializer(station).data)


# --------------------------------------------------------------------------- residents (the code is the permission)


def _resident_actions(opinion: ResidentOpinion) -> list[dict]:
    return [
        {"action": name, "allowed": bool(decision), "reason": decision.reason}
        for name, decision in (
            (name, resident_may(action=name, opinion=opinion))
            for name in (RESIDENT_ADD, RESIDENT_RATE, RESIDENT_WITHDRAW)
        )
    ]


def track_data(code: str) -> dict:
    """The opinion as the public tracking page shows it: status, answers, the text masked, no personal data."""
    opinion = queries.opinion_by_code(code=code)
    suggestion = opinion.suggestion
    entries = [
        {
            "kind": e.kind,
            "get_kind_display": e.get_kind_display(),
            "text": pii.mask(e.text) if e.kind == OpinionEntry.Kind.ADDITION else e.text,
            "created_at": e.created_at,
        }
        for e in opinion.entries.all()
    ]
    data = {
        "tracking_code": opinion.tracking_code,
        "station": opinion.station,
        "topic": opinion.topic,
        "text": pii.mask(opinion.text),
        "place": pii.mask(opinion.place),
        "status": opinion.status,
        "status_display": opinion.get_status_display(),
        "received_at": opinion.received_at,
        "answer_due": opinion.effective_answer_due,
        "answer": opinion.answer,
        "answered_at": opinion.answered_at,
        "rating": opinion.rating,
        "suggestion": {"pk": suggestion.pk, "name": suggestion.title}
        if suggestion is not None and suggestion.is_published
        else None,
        "entries": entries,
        "available_actions": _resident_actions(opinion),
    }
    return ss.TrackSerializer(data).data


@extend_schema(tags=[RESIDENTS])
class Track(_NoLogin):
    serializer_class = ss.TrackSerializer

    @extend_schema(
        summary="按查询码查看意见",
        description="持查询码即可查看：状态、办理经过和答复；内容中的个人信息已隐去。无需登录。",
        responses={200: ss.TrackSerializer, 404: ERRORS[404]},
    )
    def get(self, request, code):
        return Response(track_data(code))


@extend_schema(tags=[RESIDENTS])
class TrackAdd(_NoLogin):
    serializer_class = ss.TrackSerializer

    @extend_schema(
        summary="补充意见",
        description="意见办结前补充内容；已答复或已办结时返回 409。",
        request=ss.AddInfoInputSerializer,
        responses={201: ss.TrackSerializer, **PUBLIC_ERRORS},
    )
    def post(self, request, code):
        opinion = queries.opinion_by_code(code=code)
        data = ss.AddInfoInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        residents.opinion_add_info(opinion=opinion, text=data.validated_data["text"])
        return Response(track_data(code), status=status.HTTP_201_CREATED)


@extend_schema(tags=[RESIDENTS])
class TrackRate(_NoLogin):
    serializer_class = ss.TrackSerializer

    @extend_schema(
        summary="评价答复",
        description="对答复评价（不满意须写评价意见），意见随即办结；还没有答复或已评价时返回 409。",
        request=ss.ResidentRateInputSerializer,
        responses={200: ss.TrackSerializer, **PUBLIC_ERRORS},
    )
    def post(self, request, code):
        opinion = queries.opinion_by_code(code=code)
        data = ss.ResidentRateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        residents.opinion_rate(
            opinion=opinion, value=data.validated_data["value"], comment=data.validated_data["comment"]
        )
        return Response(track_data(code))


@extend_schema(tags=[RESIDENTS])
class TrackWithdraw(_NoLogin):
    serializer_class = ss.TrackSerializer

    @extend_schema(
        summary="撤回意见",
        description="答复前撤回意见；已答复或已办结时返回 409。",
        request=None,
        responses={200: ss.TrackSerializer, **PUBLIC_ERRORS},
    )
    def post(self, request, code):
        residents.opinion_withdraw(opinion=queries.opinion_by_code(code=code))
        return Response(track_data(code))


# --------------------------------------------------------------------------- triage (handlers and offices)


def opinion_data(view: ApiView, opinion: ResidentOpinion) -> dict:
    """The opinion as its detail page shows it to this actor: personal data only where the rule allows it."""
    actor = view.actor
    full = policy.may(actor, Action.OPINION_PERSONAL_DATA, opinion)
    if full and not opinion.anonymous and opinion.resident_mobile:
        # 等保: showing a resident's full name and number is a security event (the id only, never the number).
        security_events.record(event=SecurityEventKind.REVEAL, request=view.request._request, target=opinion)
    opinion.api_resident = queries.resident_shown(actor=actor, opinion=opinion)
    opinion.api_text = opinion.text if full else pii.mask(opinion.text)
    opinion.api_place = opinion.place if full else pii.mask(opinion.place)
    opinion.api_entries = list(opinion.entries.all())
    return ss.OpinionDetailSerializer(opinion, context=view.get_serializer_context()).data


def opinion_or_404(view: ApiView, pk: int) -> ResidentOpinion:
    """One opinion the actor may view (``stations.queries.opinion_for``), else 404."""
    return queries.opinion_for(actor=view.actor, pk=pk)


@extend_schema(tags=[TRIAGE])
class OpinionList(ApiView):
    serializer_class = ss.OpinionRowSerializer
    pagination_class = Cursor

    @extend_schema(
        summary="我可以处理的群众意见",
        description="联络员：本站的全部意见；代表：反映给本人或反映给联络站的意见；承办单位：转给本单位的意见；"
        "人大工作人员：全部。按游标分页，新的在前。",
        responses={200: ss.OpinionRowSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        return self.page(queries.opinions_for(actor=self.actor), ss.OpinionRowSerializer)


@extend_schema(tags=[TRIAGE])
class OpinionDetail(ApiView):
    serializer_class = ss.OpinionDetailSerializer

    @extend_schema(summary="一条群众意见", responses={200: ss.OpinionDetailSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(opinion_data(self, opinion_or_404(self, pk)))


class _OpinionStep(ApiView):
    serializer_class = ss.OpinionDetailSerializer

    def done(self, pk: int) -> Response:
        return Response(opinion_data(self, opinion_or_404(self, pk)))


def _text(request: Any) -> str:
    data = ss.OpinionAnswerInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data["text"]


@extend_schema(tags=[TRIAGE])
class OpinionAnswer(_OpinionStep):
    @extend_schema(
        summary="直接答复",
        description="联络员或代表直接答复群众，短信通知群众查看和评价。",
        request=ss.OpinionAnswerInputSerializer,
        responses={200: ss.OpinionDetailSerializer, **ERRORS},
    )
    def post(self, request, pk):
        opinion = opinion_or_404(self, pk)
        actions.opinion_answer(opinion=opinion, actor=request.user, text=_text(request))
        return self.done(pk)


@extend_schema(tags=[TRIAGE])
class OpinionForward(_OpinionStep):
    @extend_schema(
        summary="转承办单位办理",
        description="转给承办单位，由其在该意见的答复期限内答复。",
        request=ss.OpinionForwardInputSerializer,
        responses={200: ss.OpinionDetailSerializer, **ERRORS},
    )
    def post(self, request, pk):
        opinion = opinion_or_404(self, pk)
        data = ss.OpinionForwardInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Only an office of the station's congress is found; None: the action says so.
        office = Office.objects.filter(
            pk=data.validated_data["office"], congress_id=opinion.station.congress_id
        ).first()
        actions.opinion_forward(opinion=opinion, actor=request.user, office=office, note=data.validated_data["note"])
        return self.done(pk)


@extend_schema(tags=[TRIAGE])
class OpinionOfficeAnswer(_OpinionStep):
    @extend_schema(
        summary="承办单位答复",
        description="意见转到的承办单位答复群众。",
        request=ss.OpinionAnswerInputSerializer,
        responses={200: ss.OpinionDetailSerializer, **ERRORS},
    )
    def post(self, request, pk):
        opinion = opinion_or_404(self, pk)
        actions.opinion_office_answer(opinion=opinion, actor=request.user, text=_text(request))
        return self.done(pk)


@extend_schema(tags=[TRIAGE])
class OpinionOfficeSign(_OpinionStep):
    @extend_schema(
        summary="承办单位签收",
        description="意见转到的承办单位签收（与承办事项相同：先签收再答复）；重复签收不产生变化。",
        request=None,
        responses={200: ss.OpinionDetailSerializer, **ERRORS},
    )
    def post(self, request, pk):
        office.opinion_office_sign(opinion=opinion_or_404(self, pk), actor=request.user)
        return self.done(pk)


@extend_schema(tags=[TRIAGE])
class OpinionExtensionRequest(_OpinionStep):
    @extend_schema(
        summary="承办单位申请延期",
        description="已签收、未答复、未过答复期限时申请延期，一次一件；由联络站的联络员、代表或人大工作人员审核。",
        request=ss.OpinionExtensionInputSerializer,
        responses={200: ss.OpinionDetailSerializer, **ERRORS},
    )
    def post(self, request, pk):
        opinion = opinion_or_404(self, pk)
        data = ss.OpinionExtensionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        office.opinion_extension_request(
            opinion=opinion,
            actor=request.user,
            reason=data.validated_data["reason"],
            until=data.validated_data["until"],
        )
        return self.done(pk)


@extend_schema(tags=[TRIAGE])
class OpinionExtensionDecision(_OpinionStep):
    @extend_schema(
        summary="审核延期申请",
        description="联络站的联络员、代表或人大工作人员同意（可改延至日期）或不同意（须写审核意见）承办单位的延期申请。",
        request=ss.OpinionExtensionDecisionInputSerializer,
        responses={200: ss.OpinionDetailSerializer, **ERRORS},
    )
    def post(self, request, pk):
        opinion = opinion_or_404(self, pk)
        data = ss.OpinionExtensionDecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        office.opinion_extension_decide(
            opinion=opinion, actor=request.user, approve=values["approve"], until=values["until"], note=values["note"]
        )
        return self.done(pk)
