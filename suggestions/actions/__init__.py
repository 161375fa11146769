"""Every state change of the handling workflow, one module per area; this package names them all.

Each action asks the rule book (``suggestions.policy.require``) on the rows it locked, checks the transition
against the model's ``TRANSITIONS`` table, writes the change and its audit row in one transaction, and queues
side effects after commit (``_base``). Views, forms, admin actions, tasks and commands call these; none saves
a status. Call them as ``actions.suggestion_submit(...)``; the areas:

- ``drafting``: drafts, submitting, withdrawing          - ``cosigning``: 联名 invitations and answers
- ``attachments``: files of a suggestion or an office     - ``review``: register, return, not register, merge
- ``assignment``: assign, deadlines, key supervision, decisions on return and extension requests, reminders
- ``office``: sign, handler, contacts, opinion, return and extension requests
- ``replies``: the reply, its letter and sending it      - ``rating``: ratings, re-handling rounds, closing
- ``follow_up``: B-class progress and its confirmation    - ``publication``: public versions, publish, take back
- ``transfer``: 转交 to the congress above          - ``notifications``: in-app notifications                 - ``accounts``, ``roster_import``: people and accounts
- ``followup``: re-surveys of satisfaction, 回头看 of B answers, the delegates' letters
"""

from suggestions.actions._base import (
    InvalidInput,
    NotPermitted,
    NumberTaken,
    TransitionNotAllowed,
    WorkflowError,
    policy_for,
    queue_after_commit,
)
from suggestions.actions.assignment import (
    assignment_deadlines,
    extension_approve,
    extension_limit,
    extension_refuse,
    latest_due_date,
    reminder_manual,
    return_request_approve,
    return_request_refuse,
    suggestion_assign,
    suggestion_set_key,
)
from suggestions.actions.attachments import attachment_add
from suggestions.actions.cosigning import cosigner_drop, cosigner_invite, cosigner_respond
from suggestions.actions.drafting import (
    suggestion_save_draft,
    suggestion_save_draft_with_files,
    suggestion_submit,
    suggestion_withdraw,
)
from suggestions.actions.follow_up import followup_confirm_solved, followup_post
from suggestions.actions.followup import (
    carryover_confirm_solved,
    carryover_create,
    letters_send,
    resurvey_record,
    resurvey_reopen,
    resurvey_select,
)
from suggestions.actions.notifications import notification_mark_read
from suggestions.actions.office import (
    assignment_request_return,
    assignment_set_handler,
    assignment_sign,
    contact_date_bounds,
    contact_record,
    extension_request,
    opinion_send,
    opinion_send_with_file,
)
from suggestions.actions.publication import (
    reply_publish,
    reply_save_public_text,
    reply_unpublish,
    suggestion_save_public_version,
)
from suggestions.actions.rating import rating_submit, round_open_rehandling, suggestion_close
from suggestions.actions.replies import (
    reply_attach_letter,
    reply_attach_uploaded_letter,
    reply_requirements,
    reply_save_draft,
    reply_save_draft_with_letter,
    reply_submit,
)
from suggestions.actions.review import (
    not_registered_reasons,
    suggestion_merge,
    suggestion_propose_number,
    suggestion_register,
    suggestion_reject,
    suggestion_return,
)
from suggestions.actions.transfer import suggestion_transfer
from suggestions.queries.selectors import suggestion_delegates  # the one helper actions and pages share

__all__ = [
    "InvalidInput",
    "NotPermitted",
    "NumberTaken",
    "TransitionNotAllowed",
    "WorkflowError",
    "assignment_deadlines",
    "assignment_request_return",
    "assignment_set_handler",
    "assignment_sign",
    "attachment_add",
    "carryover_confirm_solved",
    "carryover_create",
    "contact_date_bounds",
    "contact_record",
    "cosigner_drop",
    "cosigner_invite",
    "cosigner_respond",
    "extension_approve",
    "extension_limit",
    "extension_refuse",
    "extension_request",
    "followup_confirm_solved",
    "followup_post",
    "latest_due_date",
    "letters_send",
    "not_registered_reasons",
    "notification_mark_read",
    "opinion_send",
    "opinion_send_with_file",
    "policy_for",
    "queue_after_commit",
    "rating_submit",
    "reminder_manual",
    "reply_attach_letter",
    "reply_attach_uploaded_letter",
    "reply_publish",
    "reply_requirements",
    "reply_save_draft",
    "reply_save_draft_with_letter",
    "reply_save_public_text",
    "reply_submit",
    "reply_unpublish",
    "resurvey_record",
    "resurvey_reopen",
    "resurvey_select",
    "return_request_approve",
    "return_request_refuse",
    "round_open_rehandling",
    "suggestion_assign",
    "suggestion_close",
    "suggestion_delegates",
    "suggestion_merge",
    "suggestion_propose_number",
    "suggestion_register",
    "suggestion_reject",
    "suggestion_return",
    "suggestion_save_draft",
    "suggestion_save_draft_with_files",
    "suggestion_save_public_version",
    "suggestion_set_key",
    "suggestion_submit",
    "suggestion_transfer",
    "suggestion_withdraw",
]
