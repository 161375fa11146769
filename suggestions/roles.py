"""Who a user is in the workflow. Results are cached on the user object for one request."""

from django.utils.translation import gettext_lazy as _

STAFF_GROUP = "npc_staff"

ROLE_LABELS = {
    "delegate": _("人大代表"),
    "staff": _("人大工作人员"),
    "leader": _("督办领导"),
    "office": _("承办单位"),
    "admin": _("系统管理员"),
}


def _cached(user, name, compute):
    cache = user.__dict__.setdefault("_huaxi_roles", {})
    if name not in cache:
        cache[name] = compute()
    return cache[name]


def _related(row, name):
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return getattr(row, name)
    except ObjectDoesNotExist:
        return None


def _load(user):
    """Staff membership, delegate profile and leader record in one query, cached on the user."""
    cache = user.__dict__.setdefault("_huaxi_roles", {})
    if "staff" not in cache:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.db.models import Exists, OuterRef

        from .models import OfficeMember

        row = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .annotate(
                npc_staff=Exists(Group.objects.filter(user=OuterRef("pk"), name=STAFF_GROUP)),
                office_member=Exists(OfficeMember.objects.filter(user=OuterRef("pk"), office__is_active=True)),
            )
            .select_related("delegate__term", "leader")
            .first()
        )
        delegate = _related(row, "delegate") if row else None
        cache["staff"] = bool(row and row.npc_staff)
        cache["delegate"] = delegate if delegate is not None and delegate.is_active else None
        cache["leader"] = _related(row, "leader") if row else None
        if not (row and row.office_member):
            cache["offices"] = {}  # no need to ask which offices
    return cache


def is_staff_member(user):
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return _load(user)["staff"]


def delegate_of(user):
    if not user.is_authenticated:
        return None
    return _load(user)["delegate"]


def leader_of(user):
    if not user.is_authenticated:
        return None
    return _load(user)["leader"]


def memberships_of(user):
    """{office_id: role} for the offices the user works for."""
    if not user.is_authenticated:
        return {}

    def compute():
        from .models import OfficeMember

        return dict(OfficeMember.objects.filter(user=user, office__is_active=True).values_list("office_id", "role"))

    _load(user)
    return _cached(user, "offices", compute)


def office_ids_of(user):
    return set(memberships_of(user))


def is_office_head(user, office_id):
    from .models import OfficeMember

    return memberships_of(user).get(office_id) == OfficeMember.Role.HEAD


def roles_of(user):
    roles = []
    if not user.is_authenticated:
        return roles
    if delegate_of(user):
        roles.append("delegate")
    if is_staff_member(user):
        roles.append("staff")
    if leader_of(user):
        roles.append("leader")
    if memberships_of(user):
        roles.append("office")
    if user.is_superuser:
        roles.append("admin")
    return roles


def primary_role(user):
    roles = roles_of(user)
    for role in ("staff", "office", "leader", "delegate", "admin"):
        if role in roles:
            return role
    return None
