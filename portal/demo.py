"""The demo site: each app seeds its own content, this puts them together.

`load_demo()` is idempotent: every row is keyed on a natural key (slug,
kommunkod, email), links are set rather than added, and files are generated
only when missing, so a second run changes nothing.
"""

from base64 import b32encode

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
    """Create or update the demo content; return what the caller should print.

    The public content, the working groups and each municipality's stages
    and indicators come always; what people write in the coordination area
    (meetings' authors, action owners, progress entries) needs the demo
    logins, so it comes with them.
    """
    programme = programme_demo.seed_mandate()
    groups = municipalities_demo.seed_groups(mandate=programme.mandate)
    session, generated, missing = presentations_demo.seed_kick_off(
        mandate=programme.mandate
    )
    sessions = [session, *presentations_demo.seed_sessions(mandate=programme.mandate)]
    programme_demo.seed_news(
        programme=programme,
        sessions=sessions,
        municipalities=groups.municipalities,
    )
    municipalities_demo.seed_statuses(focus_areas=programme.focus_areas)
    municipalities_demo.seed_indicators(mandate=programme.mandate)
    logins = (
        municipalities_demo.seed_logins(groups=groups, password=DEMO_PASSWORD)
        if with_logins
        else municipalities_demo.DemoLogins([])
    )
    municipalities_demo.seed_meetings(groups=groups, people=logins.accounts)
    if with_logins:
        municipalities_demo.seed_entries(
            groups=groups, focus_areas=programme.focus_areas, people=logins.accounts
        )
    for account in logins.accounts.values():
        TOTPDevice.objects.update_or_create(
            user=account,
            name="demo",
            defaults={"key": DEMO_TOTP_KEY, "confirmed": True, "last_t": -1},
        )
    return {
        "slides_generated": generated,
        "slides_missing": missing,
        "logins": logins.table,
    }
