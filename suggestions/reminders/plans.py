"""What a scan plans before it records: the reminder (``Plan``) and who gets it (``Recipient``)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from suggestions import roles
from suggestions.models import CoSigner, OfficeMember, Rating


@dataclass
class Recipient:
    """One person a reminder goes to, with the phone known for them in that role (office or delegate)."""

    user: object
    phone: str = ""
    office_id: int | None = None


@dataclass
class Plan:
    """A reminder that is due, before it is recorded: its unique key, text and recipients."""

    key: str
    kind: str
    stage: str
    message: str
    suggestion_id: int | None = None
    assignment_id: int | None = None
    office_id: int | None = None
    is_urgent: bool = False
    recipients: list = field(default_factory=list)


def assignment_plan(assignment, kind: str, stage: str, message: str, recipients: list, *, urgent: bool = False) -> Plan:
    """A plan about one office's assignment, keyed by kind, assignment and stage."""
    return Plan(
        key=f"{kind}:{assignment.pk}:{stage}",
        kind=kind,
        stage=stage,
        message=message,
        suggestion_id=assignment.suggestion_id,
        assignment_id=assignment.pk,
        office_id=assignment.office_id,
        is_urgent=urgent,
        recipients=recipients,
    )


class People:
    """Recipients looked up once per scan (offices by batch, each congress's staff once)."""

    def __init__(self):
        self.offices = {}
        self._staff = {}

    def load_offices(self, office_ids) -> None:
        """Load the active members of the offices not loaded yet, in one query."""
        missing = set(office_ids) - set(self.offices)
        if not missing:
            return
        for office_id in missing:
            self.offices[office_id] = []
        members = OfficeMember.objects.filter(office_id__in=missing, user__is_active=True).select_related("user")
        for member in members.order_by("pk"):
            self.offices[member.office_id].append(member)

    def clerks(self, office_id: int) -> list[Recipient]:
        """The office's clerks (or, when it has none, everyone in it)."""
        members = self.offices.get(office_id, [])
        clerks = [m for m in members if m.role == OfficeMember.Role.CLERK] or members
        return [Recipient(m.user, m.phone, office_id) for m in clerks]

    def office_all(self, office_id: int) -> list[Recipient]:
        """Everyone in the office, head included."""
        return [Recipient(m.user, m.phone, office_id) for m in self.offices.get(office_id, [])]

    def staff(self, congress_id: int) -> list[Recipient]:
        """The NPC staff of the suggestion's congress (looked up once per congress per scan): a reminder
        about one congress's suggestion never reaches another congress's staff."""
        if congress_id not in self._staff:
            users = get_user_model().objects.filter(
                groups__name=roles.STAFF_GROUP, is_active=True, staff_membership__congress_id=congress_id
            )
            self._staff[congress_id] = [Recipient(u) for u in users.order_by("pk")]
        return self._staff[congress_id]


def delegate_recipient(delegate) -> Recipient:
    """A delegate as a recipient, with the mobile from their private contact record."""
    try:
        phone = delegate.contact.phone
    except delegate.__class__.contact.RelatedObjectDoesNotExist:
        phone = ""
    return Recipient(delegate.user, phone)


def raters(replies) -> dict:
    """Delegates (lead and confirmed co-signers) of the replies' suggestions and who has rated which reply."""
    delegates = defaultdict(list)
    for reply in replies:
        if reply.suggestion_id not in delegates:
            delegates[reply.suggestion_id].append(reply.suggestion.lead_delegate)
    cosigners = (
        CoSigner.objects.filter(suggestion_id__in=list(delegates), status=CoSigner.Status.CONFIRMED)
        .select_related("delegate__user", "delegate__contact")
        .order_by("pk")
    )
    for c in cosigners:
        delegates[c.suggestion_id].append(c.delegate)
    rated = defaultdict(set)
    for reply_id, delegate_id in Rating.objects.filter(reply__in=replies).values_list("reply_id", "delegate_id"):
        rated[reply_id].add(delegate_id)
    return {"delegates": delegates, "rated": rated}
