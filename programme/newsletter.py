"""The newsletter: subscribe with double opt-in, unsubscribe, compose, send.

Sending happens in the background through django.tasks (the database
backend and its `db_worker`). Each recipient has a Delivery row; a worker
claims one row at a time (marks it "sending"), sends, and marks it "sent"
in the same breath, so a worker that dies can leave at most the one row it
was sending in doubt. Such a stale "sending" row is re-queued after
STALE_CLAIM: we prefer the small chance of one duplicate to silently
skipping someone (at-least-once, bounded to one message per crash).

A delivery that fails records the error on its row; one that may pass
(`portal.mail.is_temporary`: the server unreachable or timing out, "try
later") goes back in the queue for another try after 2, 4, 8 and 16
minutes, and `send_batch` queues itself again for when it is due; after
MAX_ATTEMPTS, or at a permanent refusal, the row is marked failed. The
subscription mails (confirmation, "already subscribed") and the editor's
test mail are tasks too: no page waits for the mail server.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Count, Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import mail, ratelimit
from programme.models import Delivery, NewsletterIssue, Subscriber

logger = logging.getLogger(__name__)

# The confirmation link carries only the subscription's id and its purpose,
# signed under a salt of its own: never the manage token, which would then sit
# in a link meant for one click. Links of the earlier format (the manage token
# signed under "programme.newsletter.confirm") are no longer accepted: they
# lived three days, and whoever still holds one subscribes again.
CONFIRM_SALT = "programme.newsletter.confirm-subscription"
CONFIRM_PURPOSE = "confirm"
CONFIRM_MAX_AGE = datetime.timedelta(days=3)
BATCH_SIZE = 50
MAX_ATTEMPTS = 5
STALE_CLAIM = datetime.timedelta(minutes=15)
RATE_PER_EMAIL = 3
RATE_PER_CLIENT = 20


def check_rate(email, client_address):
    """At most 3 requests an hour for one email, 20 from one client."""
    ratelimit.hit(
        "newsletter",
        ratelimit.Counter("email", email.strip().lower(), RATE_PER_EMAIL),
        ratelimit.Counter("client", client_address, RATE_PER_CLIENT),
    )


def confirm_token(subscriber):
    return signing.dumps(
        {"id": subscriber.pk, "purpose": CONFIRM_PURPOSE}, salt=CONFIRM_SALT
    )


def _absolute(path):
    return settings.SITE_URL + path


def manage_url(subscriber):
    return _absolute(reverse("newsletter:manage", kwargs={"token": subscriber.token}))


def unsubscribe_url(subscriber):
    return _absolute(
        reverse("newsletter:unsubscribe", kwargs={"token": subscriber.token})
    )


def _send(subject, template, context, to, headers=None):
    context = {**context, "portal_name": settings.PORTAL_NAME}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"programme/newsletter/{template}.txt", context),
        to=[to],
        headers=headers or {},
    )
    message.attach_alternative(
        render_to_string(f"programme/newsletter/{template}.html", context),
        "text/html",
    )
    message.send()


@transaction.atomic
def subscribe(*, email, all_news, focus_areas, consent_text, client_address):
    """Start or refresh a subscription. The caller's answer never depends on
    whether the address was already subscribed. The mail (a confirmation
    link, or a note that the address already subscribes) is queued for the
    worker in the same transaction."""
    check_rate(email, client_address)
    email = email.strip().lower()
    subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
    if subscriber and subscriber.confirmed_at:
        subscription_mail_send.enqueue(subscriber.pk, ALREADY_SUBSCRIBED)
        return
    now = timezone.now()
    if subscriber is None:
        subscriber = Subscriber(email=email)
    subscriber.all_news = all_news
    subscriber.consent_text = consent_text
    subscriber.consented_at = now
    subscriber.save()
    subscriber.focus_areas.set(focus_areas)
    subscription_mail_send.enqueue(subscriber.pk, CONFIRM)


CONFIRM = "confirm"
ALREADY_SUBSCRIBED = "already_subscribed"


@task()
def subscription_mail_send(subscriber_id, kind, attempt=1):
    """Mail a subscriber the confirmation link, or that they already
    subscribe. The task holds the subscription's id, never the address; a
    subscription erased or confirmed meanwhile gets no confirmation mail."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return "erased"
    if kind == CONFIRM:
        if subscriber.confirmed_at is not None:
            return "confirmed"
        signed = confirm_token(subscriber)
        subject = _("Bekräfta din prenumeration")
        context = {
            "link": _absolute(reverse("newsletter:confirm", kwargs={"signed": signed})),
            "days": CONFIRM_MAX_AGE.days,
        }
    elif kind == ALREADY_SUBSCRIBED:
        subject = _("Du prenumererar redan på nyhetsbrevet")
        context = {"manage_url": manage_url(subscriber)}
    else:
        raise ValueError(f"unknown subscription mail {kind!r}")
    try:
        _send(subject, kind, context, subscriber.email)
    except mail.MAIL_ERRORS as error:
        if mail.retry_later(
            subscription_mail_send, error, attempt=attempt, args=(subscriber_id, kind)
        ):
            return "retry"
        raise
    return "sent"


def confirm(signed):
    """Confirm from a signed link; None when forged, expired, of another
    purpose or for a subscription that no longer exists."""
    try:
        data = signing.loads(
            signed, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE.total_seconds()
        )
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("purpose") != CONFIRM_PURPOSE:
        return None
    subscription_id = data.get("id")
    if not isinstance(subscription_id, int):
        return None
    subscriber = Subscriber.objects.filter(pk=subscription_id).first()
    if subscriber and subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
    return subscriber


@transaction.atomic
def erase(subscriber):
    """Unsubscribe and erase: nothing personal is left about the subscriber."""
    Delivery.objects.filter(subscriber=subscriber).update(email="", subscriber=None)
    subscriber.delete()


def render_issue(issue, subscriber=None):
    """Subject, plain text and HTML of an issue, filtered to the subscriber."""
    articles = list(
        issue.articles.published()
        .prefetch_related("focus_areas")
        .order_by("-publish_at")
    )
    if subscriber is not None and not subscriber.all_news:
        wanted = {area.pk for area in subscriber.focus_areas.all()}
        articles = [
            article
            for article in articles
            if wanted & {area.pk for area in article.focus_areas.all()}
        ]
    context = {
        "issue": issue,
        "articles": articles,
        "site_url": settings.SITE_URL,
        "portal_name": settings.PORTAL_NAME,
        "unsubscribe_url": unsubscribe_url(subscriber) if subscriber else "#",
        "manage_url": manage_url(subscriber) if subscriber else "#",
    }
    return (
        render_to_string("programme/newsletter/issue.txt", context),
        render_to_string("programme/newsletter/issue.html", context),
    )


def issue_message(issue, subscriber):
    text, html = render_issue(issue, subscriber)
    message = EmailMultiAlternatives(
        subject=issue.subject,
        body=text,
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url(subscriber)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


@task()
def issue_test_send(issue_id, user_id, attempt=1):
    """The worker's side of the admin's test button: send the issue to the
    editor who pressed it."""
    issue = NewsletterIssue.objects.filter(pk=issue_id).first()
    user = get_user_model()._default_manager.filter(pk=user_id).first()
    if issue is None or user is None or not user.email:
        return "gone"
    try:
        issue_send_test(issue, user.email)
    except mail.MAIL_ERRORS as error:
        if mail.retry_later(
            issue_test_send, error, attempt=attempt, args=(issue_id, user_id)
        ):
            return "retry"
        raise
    return "sent"


def issue_send_test(issue, email):
    """Send the issue to one address (the editor), marked as a test."""
    text, html = render_issue(issue)
    message = EmailMultiAlternatives(
        subject=_("[Test] %(subject)s") % {"subject": issue.subject},
        body=text,
        to=[email],
    )
    message.attach_alternative(html, "text/html")
    message.send()


def issue_send(issue):
    """Queue one delivery per matching confirmed subscriber, then start the
    worker. Running it again adds only subscribers not yet queued."""
    articles = list(issue.articles.published().prefetch_related("focus_areas"))
    with transaction.atomic():
        existing = set(issue.deliveries.values_list("subscriber_id", flat=True))
        Delivery.objects.bulk_create(
            [
                Delivery(issue=issue, subscriber=subscriber, email=subscriber.email)
                for subscriber in Subscriber.objects.for_articles(articles)
                if subscriber.pk not in existing
            ],
            ignore_conflicts=True,
        )
        issue.status = NewsletterIssue.Status.SENDING
        issue.send_started_at = issue.send_started_at or timezone.now()
        issue.save(update_fields=["status", "send_started_at"])
    transaction.on_commit(lambda: send_batch.enqueue(issue.pk))


def progress(issue):
    counts = dict.fromkeys(Delivery.Status.values, 0)
    for row in issue.deliveries.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def _claim_one(issue_id, now):
    """Mark the next due delivery as 'sending' and return it, or None."""
    with transaction.atomic():
        queryset = Delivery.objects.filter(
            issue_id=issue_id, status=Delivery.Status.QUEUED
        ).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        if connection.features.has_select_for_update_skip_locked:
            queryset = queryset.select_for_update(skip_locked=True, of=("self",))
        delivery = queryset.select_related("subscriber").order_by("id").first()
        if delivery is None:
            return None
        delivery.status = Delivery.Status.SENDING
        delivery.claimed_at = now
        delivery.attempts += 1
        delivery.save(update_fields=["status", "claimed_at", "attempts"])
        return delivery


def requeue_stale(issue_id, now):
    """Rows left 'sending' by a worker that died go back in the queue."""
    return Delivery.objects.filter(
        issue_id=issue_id,
        status=Delivery.Status.SENDING,
        claimed_at__lt=now - STALE_CLAIM,
    ).update(status=Delivery.Status.QUEUED, claimed_at=None)


@task()
def send_batch(issue_id):
    """Send up to BATCH_SIZE due deliveries of an issue; re-enqueue if more."""
    now = timezone.now()
    requeue_stale(issue_id, now)
    issue = NewsletterIssue.objects.get(pk=issue_id)
    sent = 0
    for _attempt in range(BATCH_SIZE):
        delivery = _claim_one(issue_id, now)
        if delivery is None:
            break
        if delivery.subscriber is None:
            delivery.status = Delivery.Status.FAILED
            delivery.last_error = "erased"
            delivery.save(update_fields=["status", "last_error"])
            continue
        try:
            issue_message(issue, delivery.subscriber).send()
        except Exception as error:
            # Whatever went wrong, the row records it and leaves "sending":
            # a failure that may pass is tried again after a pause.
            if not isinstance(error, mail.MAIL_ERRORS):
                logger.exception("newsletter delivery %s failed", delivery.pk)
            temporary = mail.is_temporary(error) and delivery.attempts < MAX_ATTEMPTS
            delivery.status = (
                Delivery.Status.QUEUED if temporary else Delivery.Status.FAILED
            )
            delivery.next_attempt_at = (
                now + mail.backoff(delivery.attempts) if temporary else None
            )
            delivery.last_error = f"{type(error).__name__}: {error}"[:300]
            delivery.save(update_fields=["status", "next_attempt_at", "last_error"])
            logger.warning(
                "newsletter delivery %s failed (%s)", delivery.pk, type(error).__name__
            )
            continue
        delivery.status = Delivery.Status.SENT
        delivery.sent_at = timezone.now()
        delivery.last_error = ""
        delivery.save(update_fields=["status", "sent_at", "last_error"])
        sent += 1
    queued = issue.deliveries.filter(status=Delivery.Status.QUEUED)
    in_flight = issue.deliveries.filter(status=Delivery.Status.SENDING)
    if queued.exists():
        next_due = queued.order_by("next_attempt_at").values_list(
            "next_attempt_at", flat=True
        )
        due_now = queued.exclude(next_attempt_at__gt=now).exists()
        send_batch.using(run_after=None if due_now else next_due.first()).enqueue(
            issue_id
        )
    elif in_flight.exists():
        oldest = in_flight.order_by("claimed_at").values_list("claimed_at", flat=True)
        send_batch.using(run_after=oldest.first() + STALE_CLAIM).enqueue(issue_id)
    else:
        NewsletterIssue.objects.filter(pk=issue_id).update(
            status=NewsletterIssue.Status.SENT
        )
    return sent
