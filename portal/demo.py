"""The demo site: each app seeds its own content, this puts them together.

`load_demo()` is idempotent: every row is keyed on a natural key (slug,
kommunkod, email), links are set rather than added, and files are generated
only when missing, so a second run changes nothing.
"""

from django.db import transaction

from municipalities import demo as municipalities_demo
from presentations import demo as presentations_demo
from programme import demo as programme_demo

DEMO_PASSWORD = "demo-losenord-2022"  # noqa: S105 - printed demo login, DEBUG only


@transaction.atomic
def load_demo(*, with_logins: bool) -> dict:
    """Create or update the demo content; return what the caller should print."""
    programme = programme_demo.seed_mandate()
    groups = municipalities_demo.seed_groups(mandate=programme.mandate)
    session, generated = presentations_demo.seed_kick_off(mandate=programme.mandate)
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
    return {"slides_generated": generated, "logins": logins}
