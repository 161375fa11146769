"""Periodic work of the stations app: thin tasks calling the actions (each safe to run twice)."""

from celery import shared_task


@shared_task
def scan_opinions() -> dict[str, int]:
    """Reminders, opinions whose suggestion was answered, and personal data past its retention."""
    from stations import actions, reminders

    return {
        "reminded": reminders.opinions_remind(),
        "answered_by_suggestion": actions.opinions_follow_suggestions(),
        "erased": actions.opinions_erase_expired(),
    }
