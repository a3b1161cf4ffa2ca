"""Password-reset mail: asked for on the page, sent by the task worker.

The page answers the same whether or not the address has an account: same
page, same status, and the same work before answering. The request is
counted (`portal.ratelimit`: per email address and per client), the address
looked up, and one `password_reset_send` task queued either way, holding the
list of accounts to mail, empty for an unknown address. Only the worker
(`manage.py db_worker`) makes the token, renders the mail and talks to the
mail server, so no mail-server time shows in the answer. The queued task
holds account ids, never the address someone typed.

The link in the mail is built on `SITE_URL`, never on the request's Host.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal import mail, ratelimit

SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"
EMAIL_TEMPLATE = "registration/password_reset_email.txt"


def password_reset_request(*, email, client):
    """Count the request and queue the mail. Raises RateLimited when either
    the email address or the client has asked too often this hour."""
    ratelimit.hit(
        "password-reset",
        ratelimit.Counter(
            "email", email.strip().lower(), settings.PASSWORD_RESET_LIMIT_PER_EMAIL
        ),
        ratelimit.Counter("client", client, settings.PASSWORD_RESET_LIMIT_PER_CLIENT),
    )
    # Django's own rule of who may reset: active, with a usable password,
    # the address equal when case is ignored.
    user_ids = [user.pk for user in PasswordResetForm().get_users(email)]
    password_reset_send.enqueue(user_ids)


@task()
def password_reset_send(user_ids, attempt=1):
    """Mail each account still allowed to reset a link made now. When the
    mail server fails, the accounts not yet mailed are tried again later
    (`portal.mail`)."""
    users = (
        get_user_model()
        ._default_manager.filter(pk__in=user_ids, is_active=True)
        .order_by("pk")
    )
    sent = 0
    for user in users:
        if not user.has_usable_password():
            continue
        context = {
            "site_url": settings.SITE_URL,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        }
        subject = "".join(render_to_string(SUBJECT_TEMPLATE, context).splitlines())
        try:
            EmailMultiAlternatives(
                subject=subject,
                body=render_to_string(EMAIL_TEMPLATE, context),
                to=[user.email],
            ).send()
        except mail.MAIL_ERRORS as error:
            remaining = sorted(pk for pk in user_ids if pk >= user.pk)
            if mail.retry_later(
                password_reset_send, error, attempt=attempt, args=(remaining,)
            ):
                return sent
            raise
        sent += 1
    return sent
