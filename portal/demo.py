"""The demo site: each app seeds its own content, this puts them together.

`load_demo()` is idempotent: every row is keyed on a natural key (slug,
kommunkod, email), links are set rather than added, and files are generated
only when missing, so a second run changes nothing.
"""

from base64 import b32encode

from django.contrib.auth import get_user_model
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from municipalities import demo as municipalities_demo
from presentations import demo as presentations_demo
from programme import demo as programme_demo

DEMO_PASSWORD = "demo-losenord-2022"  # noqa: S105 - printed demo login, DEBUG only
# The demo logins' authenticator-app key (DEBUG only, like the logins): put
# DEMO_TOTP_SECRET in an app, or run `oathtool --totp -b <secret>`.
DEMO_TOTP_KEY = "464f55204e6f7264766173742064656d6f2032303232"
DEMO_TOTP_SECRET = b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode().rstrip("=")


@transaction.atomic
def load_demo(*, with_logins: bool) -> dict:
    """Create or update the demo content; return what the caller should print."""
    programme = programme_demo.seed_mandate()
    groups = municipalities_demo.seed_groups(mandate=programme.mandate)
    session, generated, missing = presentations_demo.seed_kick_off(
        mandate=programme.mandate
    )
    programme_demo.seed_news(
        programme=programme,
        sessions=[session],
        municipalities=groups.municipalities,
    )
    logins = (
        municipalities_demo.seed_logins(groups=groups, password=DEMO_PASSWORD)
        if with_logins
        else []
    )
    for _role, email, _may in logins:
        TOTPDevice.objects.update_or_create(
            user=get_user_model().objects.get(email=email),
            name="demo",
            defaults={"key": DEMO_TOTP_KEY, "confirmed": True, "last_t": -1},
        )
    return {"slides_generated": generated, "slides_missing": missing, "logins": logins}
