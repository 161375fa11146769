"""The current user and their notifications."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api import serializers as s
from api.conventions import ApiView, Cursor
from api.views.suggestions import ERRORS
from suggestions import actions, roles
from suggestions.models import Notification, Office
from suggestions.queries import selectors

TAG = "我"


@extend_schema(tags=[TAG])
class Me(ApiView):
    serializer_class = s.MeSerializer

    @extend_schema(summary="当前用户和角色", responses={200: s.MeSerializer, **ERRORS})
    def get(self, request):
        user = request.user
        office_ids = roles.office_ids_of(user)
        offices = [{"id": o.pk, "name": o.name} for o in Office.objects.filter(pk__in=office_ids).order_by("pk")]
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "name": user.get_full_name() or user.get_username(),
            "roles": sorted(roles.roles_of(user)),
            "delegate": roles.delegate_of(user),
            "offices": offices,
            "unread_notifications": Notification.objects.filter(user=user, read_at__isnull=True).count(),
        }
        return Response(s.MeSerializer(data).data)


@extend_schema(tags=[TAG])
class NotificationList(ApiView):
    serializer_class = s.NotificationSerializer
    pagination_class = Cursor

    @extend_schema(summary="我的通知", responses={200: s.NotificationSerializer(many=True), **ERRORS})
    def get(self, request):
        return self.page(selectors.notifications_of(request.user), s.NotificationSerializer)


@extend_schema(tags=[TAG])
class NotificationUnread(ApiView):
    serializer_class = s.CountSerializer

    @extend_schema(summary="未读通知数", responses={200: s.CountSerializer, **ERRORS})
    def get(self, request):
        return Response({"count": Notification.objects.filter(user=request.user, read_at__isnull=True).count()})


@extend_schema(tags=[TAG])
class NotificationRead(ApiView):
    serializer_class = s.NotificationSerializer

    @extend_schema(summary="标记一条通知已读", request=None, responses={200: s.NotificationSerializer, **ERRORS})
    def post(self, request, pk):
        item = Notification.objects.filter(pk=pk, user=request.user).first()
        if item is None:
            raise Http404
        actions.notification_mark_read(user=request.user, notification=item)
        item.refresh_from_db()
        return Response(s.NotificationSerializer(item).data)


@extend_schema(tags=[TAG])
class NotificationReadAll(ApiView):
    serializer_class = s.CountSerializer

    @extend_schema(summary="全部标记已读", request=None, responses={200: s.CountSerializer, **ERRORS})
    def post(self, request):
        return Response({"count": actions.notification_mark_read(user=request.user)})
