"""Template helpers of the coordination area's section layout."""

from django import template

from municipalities.coordination.navigation import section_nav

register = template.Library()


@register.simple_tag(takes_context=True)
def coordination_nav(context):
    """The section navigation for the page's reader (see `section_nav`)."""
    return section_nav(context["request"])
