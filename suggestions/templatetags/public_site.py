"""``{% public_url 'detail' pk %}``: an address on the public site of the page's congress (``site``)."""

from django import template

from suggestions.web.public_site import site_url

register = template.Library()


@register.simple_tag(takes_context=True)
def public_url(context, name, *args):
    return site_url(context["site"], name, *args)
