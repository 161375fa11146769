"""What must be true before a reply and its suggestion become public (reads only; ``actions.reply_publish`` enforces it).

Three texts become public together: the suggestion's title and body and the office's reply. Each has a
public version that staff review (personal data masked, ``suggestions.pii``) before the first
publication; until then the review page offers the masked original. Only the final reply of an office
is publishable (a reply rated 不满意 is superseded by the next round's), and only once every delegate has
rated it or the suggestion is closed, unless staff record why it goes out earlier.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from suggestions import pii
from suggestions.models import Assignment, Rating, Reply, Suggestion
from suggestions.queries.selectors import suggestion_delegates

LABELS = {"title": gettext_lazy("建议标题"), "body": gettext_lazy("建议内容"), "reply": gettext_lazy("答复内容")}


@dataclass
class PublicText:
    """One text that becomes public: the original, its public version and the spans still open in it."""

    key: str
    original: str
    public: str
    reviewed: bool
    not_personal: tuple = ()
    open_spans: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.open_spans = pii.unmasked(self.public, not_personal=self.not_personal)

    @property
    def label(self) -> str:
        """The text's Chinese name (建议标题, 建议内容, 答复内容)."""
        return LABELS[self.key]

    @property
    def pieces(self) -> list[tuple[str, pii.Span | None]]:
        """The original with its personal data marked (the review page shows it)."""
        return pii.highlight(self.original)

    @property
    def edited(self) -> bool:
        """Staff changed the public version from the original."""
        return self.reviewed and self.public != self.original


def public_texts(
    suggestion: Suggestion,
    reply: Reply,
    *,
    title: str | None = None,
    body: str | None = None,
    text: str | None = None,
) -> list[PublicText]:
    """Title, body and reply: the given public versions, else the reviewed ones, else the masked originals."""
    cleared = tuple(suggestion.public_not_personal or ())
    reviewed = suggestion.public_reviewed_at is not None

    def version(given: str | None, stored: str, original: str, is_reviewed: bool) -> str:
        if given is not None:
            return given.strip()
        return stored if is_reviewed else pii.mask(original)

    return [
        PublicText("title", suggestion.title, version(title, suggestion.public_title, suggestion.title, reviewed),
                   reviewed, cleared),
        PublicText("body", suggestion.body, version(body, suggestion.public_body, suggestion.body, reviewed),
                   reviewed, cleared),
        PublicText("reply", reply.text, version(text, reply.public_text, reply.text, reply.public_reviewed_at is not None),
                   reply.public_reviewed_at is not None, cleared),
    ]  # fmt: skip


def is_superseded(reply: Reply, suggestion: Suggestion) -> bool:
    """A later round of the same office exists or has been opened (the delegates were not satisfied)."""
    if Reply.objects.filter(assignment_id=reply.assignment_id, round__number__gt=reply.round.number).exists():
        return True
    status = Assignment.objects.filter(pk=reply.assignment_id).values_list("status", flat=True).first()
    return status == Assignment.Status.REHANDLING and suggestion.current_round > reply.round.number


def is_rated(reply: Reply, suggestion: Suggestion) -> bool:
    """Every delegate of the suggestion rated this reply, or the suggestion is closed (rating over)."""
    if suggestion.status == Suggestion.Status.CLOSED:
        return True
    delegates = {delegate.pk for delegate in suggestion_delegates(suggestion)}
    rated = set(Rating.objects.filter(reply=reply).values_list("delegate_id", flat=True))
    return delegates <= rated


def needs_early_reason(reply: Reply, suggestion: Suggestion) -> bool:
    """Publishing needs a written reason: the reply is not yet public and its delegates have not all rated it."""
    return not reply.is_published and not is_rated(reply, suggestion)


def describe(spans: Iterable[pii.Span]) -> str:
    """The spans named for a message: 手机号码“139****5678”、…"""
    return "、".join(_("%(kind)s“%(text)s”") % {"kind": span.label, "text": span.text} for span in spans)


def blockers(suggestion: Suggestion, reply: Reply, texts: Iterable[PublicText]) -> list[str]:
    """Why the texts cannot be published as they are (empty: they can), rating apart."""
    problems = []
    for text in texts:
        if not text.public:
            problems.append(_("%(label)s的公开版本不能为空。") % {"label": text.label})
        elif text.open_spans:
            problems.append(
                _("%(label)s的公开版本中仍有未隐去的个人信息：%(spans)s。请隐去，或确认不属于个人信息。")
                % {"label": text.label, "spans": describe(text.open_spans)}
            )
    return problems
