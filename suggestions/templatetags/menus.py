"""``{% select_menu field %}``: a form field's <select>, written in Python.

A menu of 120 offices through the template engine (or the widget templates) costs
milliseconds per page; the public list renders four such menus whenever its cache is
cold. Here it is one join over escaped strings.
"""

import functools

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@functools.lru_cache(maxsize=256)
def _options(choices):
    """Each choice's value and its two escaped halves around `` selected`` (a menu's options change rarely; the
    same ones are escaped once per process)."""
    return tuple(
        (choice, f'<option value="{conditional_escape(choice)}"', f">{conditional_escape(label)}</option>")
        for choice, label in choices
    )


@register.simple_tag
def select_menu(field):
    value = field.value()
    current = "" if value is None else str(value)
    invalid = ' aria-invalid="true"' if field.errors else ""
    # Labels as text in the key: a lazy one is in the language of the request.
    choices = tuple((str(choice), str(label)) for choice, label in field.field.choices)
    options = "".join(
        f"{start}{' selected' if choice == current else ''}{end}" for choice, start, end in _options(choices)
    )
    return mark_safe(  # noqa: S308 - every value and label is escaped above
        f'<select name="{conditional_escape(field.html_name)}" id="{conditional_escape(field.id_for_label)}"{invalid}>'
        f"{options}</select>"
    )
