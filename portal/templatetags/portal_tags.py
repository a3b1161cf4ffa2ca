"""Template helpers shared by every app."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """Structured data for search engines.

    It is data, not script, so the CSP does not block it. Angle brackets and
    ampersands are escaped as in Django's json_script, so no value can close
    the element.
    """
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_ESCAPES)),  # noqa: S308 - escaped above
    )


@register.simple_tag(takes_context=True)
def absolute(context, path):
    """An absolute URL on the public site for a path."""
    return context["site_url"] + path


@register.filter
def elided_range(paginator, number):
    """Page numbers around the current page and at both ends, with ellipses
    (`paginator.ELLIPSIS`) between: a link for every page would make a list
    of 10 000 pages a megabyte of HTML."""
    return paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)


@register.filter
def html_datetime(value):
    """A datetime as a valid HTML `datetime` attribute: local time to the
    second with its offset, e.g. 2022-04-29T15:00:00+02:00.

    Django's `date:"c"` keeps microseconds, and HTML allows at most three
    digits of a second's fraction, so the Nu HTML Checker rejects it.
    """
    if not value:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0).isoformat()
