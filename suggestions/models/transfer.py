"""转交: a suggestion a district passed to the congress above, because it is the city government's matter.

The original stays in the district (status ``transferred``, its history intact); a new suggestion is filed in
the congress above, in its current session, for its staff to review. The row links the two both ways.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suggestions.models.suggestion import Suggestion


class Transfer(models.Model):
    """One transfer: from a suggestion of one congress to the new suggestion filed in the congress above."""

    # The original (named ``suggestion`` so that ``policy.scope`` finds its congress: the one that transferred).
    suggestion = models.OneToOneField(
        Suggestion, on_delete=models.PROTECT, related_name="transfer", verbose_name=_("原建议")
    )
    target = models.OneToOneField(
        Suggestion, on_delete=models.PROTECT, related_name="transferred_from", verbose_name=_("转交后的建议")
    )
    from_congress = models.ForeignKey(
        "congresses.Congress", on_delete=models.PROTECT, related_name="transfers_out", verbose_name=_("转出人大")
    )
    to_congress = models.ForeignKey(
        "congresses.Congress", on_delete=models.PROTECT, related_name="transfers_in", verbose_name=_("接收人大")
    )
    # The delegates have no record in the congress above: their names travel with the matter.
    delegate_names = models.CharField(_("原提出代表"), max_length=500)
    reason = models.TextField(_("转交理由"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("经办人")
    )
    created_at = models.DateTimeField(_("转交时间"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("转交记录")
        verbose_name_plural = _("转交记录")

    def __str__(self):
        return f"{self.from_congress} → {self.to_congress}: {self.suggestion_id} → {self.target_id}"
