"""View guards. Whole staff, report and roster areas ask the rule book (``policy_required``); the office and
delegate portals are gated by who the user is. Object-level scoping is in ``selectors``."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from suggestions import policy, roles
from suggestions.actor import actor_of
from suggestions.policy import Action


def _role_required(check):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request, kwargs):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def policy_required(action: Action, *, obj_from: Callable[[dict[str, Any]], Any] | None = None) -> Callable:
    """A view that opens only when ``policy.may(user, action, obj)``: anonymous users log in first, others get 403.

    ``obj`` is ``None`` (a whole area), or ``obj_from(view_kwargs)`` when given.
    """

    def check(request: Any, kwargs: dict[str, Any]) -> bool:
        obj = obj_from(kwargs) if obj_from is not None else None
        return bool(policy.may(actor_of(request), action, obj))

    return _role_required(check)


staff_required = policy_required(Action.STAFF_DESK)
reports_required = policy_required(Action.VIEW_REPORTS)  # the statistics and the leaders' key suggestions
export_required = policy_required(Action.EXPORT)
reminder_log_required = policy_required(Action.VIEW_REMINDER_LOG)
people_required = policy_required(Action.MANAGE_PEOPLE)
roster_import_required = policy_required(Action.ROSTER_IMPORT, obj_from=lambda kwargs: kwargs.get("kind"))
office_required = _role_required(lambda request, kwargs: bool(roles.office_ids_of(request.user)))
delegate_required = _role_required(lambda request, kwargs: roles.delegate_of(request.user) is not None)
