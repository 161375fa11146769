"""The congress a signed-in person acts in, and (for a person of several) the ones they may switch to."""

from suggestions import roles
from suggestions.actor import actor_of


def congress(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    actor = actor_of(request)
    context = {"current_congress": actor.congress}
    if roles.acts_in_several(user):
        from congresses.models import Congress

        context["congress_choices"] = list(Congress.objects.filter(pk__in=roles.congress_ids_of(user)))
    return context
