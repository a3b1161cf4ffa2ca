"""What the smoke script needs in the stack's database, made anew each run.

Run by deploy/local/smoke.py with the stack's environment, after
`manage.py seed_demo` (which, with DEBUG off, creates no logins):

- the pages of tests/browser/test_public_pages.py PUBLIC_PAGES that the demo
  content lacks: a news article with an image (served by nginx from
  MEDIA_ROOT) and Järfälla's open statuses;
- one signed-in person for the smoke test: a Järfälla representative in the
  operational working group, with a new random password and a new
  authenticator-app key (so no code is ever reused across runs);
- a file in PRIVATE_MEDIA_ROOT, which nginx must never hand out;
- no password-reset counts for that login and for 127.0.0.1 (nginx's
  address as the app servers see it), so runs do not add up to a limit.

Prints one JSON object: the login, the key (hex) and the ids the entry form
needs.
"""

import io
import json
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from PIL import Image  # noqa: E402

from municipalities.models import (  # noqa: E402
    FocusAreaStatus,
    Membership,
    Municipality,
    Stage,
    WorkingGroup,
)
from portal import ratelimit  # noqa: E402
from portal.models import User  # noqa: E402
from programme.models import FocusArea, NewsArticle  # noqa: E402

EMAIL = "smoke-test@example.se"


def public_pages():
    jarfalla = Municipality.objects.get(slug="jarfalla")
    for area in FocusArea.objects.all():
        FocusAreaStatus.objects.get_or_create(
            municipality=jarfalla,
            focus_area=area,
            defaults={
                "stage": Stage.PLANNING,
                "comment": "Planering pågår",
                "sharing_level": "open",
            },
        )
    # The stack's database outlives its media folder (a fresh checkout keeps
    # the portal_stack database): remake the article whenever its file is gone.
    existing = NewsArticle.objects.filter(slug="med-bild").first()
    if existing is not None and not (
        existing.image and existing.image.storage.exists(existing.image.name)
    ):
        existing.delete()
        existing = None
    if existing is None:
        buffer = io.BytesIO()
        Image.new("RGB", (40, 30), "navy").save(buffer, "PNG")
        article = NewsArticle(
            title="Nyhet med bild",
            slug="med-bild",
            lead="Ingress",
            body="Text",
            image_alt="En blå yta",
            status=NewsArticle.Status.PUBLISHED,
        )
        article.image.save(
            "bild.png", SimpleUploadedFile("bild.png", buffer.getvalue()), save=False
        )
        article.save()


def smoke_user():
    jarfalla = Municipality.objects.get(slug="jarfalla")
    group = WorkingGroup.objects.get(slug="operativ-arbetsgrupp")
    password = secrets.token_urlsafe(24)
    user, _created = User.objects.get_or_create(
        email=EMAIL, defaults={"first_name": "Rök", "last_name": "Test"}
    )
    user.municipality = jarfalla
    user.is_active = True
    user.set_password(password)
    user.save()
    Membership.objects.get_or_create(
        user=user, group=group, defaults={"municipality": jarfalla}
    )
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name="smoke", confirmed=True)
    return {
        "email": EMAIL,
        "password": password,
        "totp_key": device.key,
        "group": group.pk,
        "focus_area": FocusArea.objects.order_by("pk").first().pk,
    }


def fresh_reset_counts():
    """The smoke test asks for reset mail for its login twice a run, through
    nginx (client 127.0.0.1): start each run from zero, not from an earlier
    run's counts in Redis."""
    for counter in [
        ratelimit.Counter("email", EMAIL, 0),
        ratelimit.Counter("client", "127.0.0.1", 0),
    ]:
        cache.delete(ratelimit._key("password-reset", counter))


def private_file():
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "smoke"
    folder.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(16)
    (folder / "hemlig.txt").write_text(secret)
    return {"private_path": "smoke/hemlig.txt", "private_secret": secret}


if __name__ == "__main__":
    public_pages()
    fresh_reset_counts()
    print(json.dumps({**smoke_user(), **private_file()}))
