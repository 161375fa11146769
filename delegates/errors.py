"""The refusals of the people app, shown to the user as they are (delegates knows nothing of the workflow)."""


class RosterError(Exception):
    """Base of every refusal in this app; ``message`` is shown to the user as it is."""

    def __init__(self, message: object = None) -> None:
        self.message = str(message or "")
        super().__init__(self.message)
