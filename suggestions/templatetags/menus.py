"""``{% select_menu field %}``: a form field's <select>, written in Python.

A menu of 120 offices through the template engine (or the widget templates) costs
milliseconds per page; the public list renders four such menus whenever its cache is
cold. Here it is one join over escaped strings.
"""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def select_menu(field):
    value = field.value()
    current = "" if value is None else str(value)
    invalid = ' aria-invalid="true"' if field.errors else ""
    options = "".join(
        f'<option value="{conditional_escape(choice)}"{" selected" if str(choice) == current else ""}>'
        f"{conditional_escape(label)}</option>"
        for choice, label in field.field.choices
    )
    return mark_safe(  # noqa: S308 - every value and label is escaped above
        f'<select name="{conditional_escape(field.html_name)}" id="{conditional_escape(field.id_for_label)}"{invalid}>'
        f"{options}</select>"
    )
