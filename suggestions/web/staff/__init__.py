"""NPC staff pages: review, assignment, requests, tracking, one suggestion, publication; leaders' read-only home.

Views stay thin: forms clean input, ``actions`` make every change, the rule book (``policy``) says what to offer,
and a ``WorkflowError`` is shown to the user beside the form that caused it.
"""
