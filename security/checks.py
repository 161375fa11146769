"""System checks for the security settings an assessor reads."""

from django.conf import settings
from django.core import checks

MINIMUM_RETENTION_DAYS = 180


@checks.register(checks.Tags.security, deploy=True)
def audit_retention(app_configs, **kwargs):
    """Security audit records are kept at least 180 days."""
    if settings.SECURITY_AUDIT_RETENTION_DAYS < MINIMUM_RETENTION_DAYS:
        return [
            checks.Error(
                "SECURITY_AUDIT_RETENTION_DAYS must be at least 180.",
                id="security.E001",
            )
        ]
    return []
