"""The refusals of the workflow: raised by ``policy.require`` and the services, shown to the user as they are."""

from django.utils.translation import gettext as _


class WorkflowError(Exception):
    """Base of every refusal; ``message`` is shown to the user as it is."""

    default_message = ""

    def __init__(self, message: object = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class NotPermitted(WorkflowError):
    """This person may never do this here (not their suggestion, office or role)."""

    @property
    def default_message(self) -> str:
        """The message when none is given (read at raise time, in the user's language)."""
        return _("您没有权限进行此操作。")


class TransitionNotAllowed(WorkflowError):
    """Not now: the status (or a deadline) of the object does not allow it."""


class InvalidInput(WorkflowError):
    """What was typed or chosen cannot be used."""


class NumberTaken(WorkflowError):
    """The registration number is already used in its session and series."""
