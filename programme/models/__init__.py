"""The mandate and its content (content), and the newsletter (newsletter)."""

from programme.models.content import (
    FocusArea,
    Mandate,
    Milestone,
    NewsArticle,
    NewsArticleQuerySet,
    Person,
    add_months,
)
from programme.models.newsletter import Delivery, NewsletterIssue, Subscriber

__all__ = [
    "Delivery",
    "FocusArea",
    "Mandate",
    "Milestone",
    "NewsArticle",
    "NewsArticleQuerySet",
    "NewsletterIssue",
    "Person",
    "Subscriber",
    "add_months",
]
