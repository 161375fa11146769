"""View guards by role. Object-level scoping is in ``selectors``; these only gate whole areas."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from suggestions import roles


def _role_required(check):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_required = _role_required(roles.is_staff_member)
office_required = _role_required(lambda user: bool(roles.office_ids_of(user)))
delegate_required = _role_required(lambda user: roles.delegate_of(user) is not None)
leader_or_staff_required = _role_required(lambda user: roles.is_staff_member(user) or roles.leader_of(user) is not None)
