"""System checks: the personal data keys are well formed (``manage.py check`` names a malformed one)."""

from django.core import checks


@checks.register(checks.Tags.security)
def personal_data_keys(app_configs, **kwargs):
    """One error per malformed or missing key setting."""
    from security import crypto

    return [checks.Error(problem, id="security.E001") for problem in crypto.check_configuration()]
