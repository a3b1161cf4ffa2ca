"""After the closing, the public pages carry the notice that the mandate has
ended, with no axe-core or CSP violation."""

import pytest

from municipalities.coordination import services
from portal.demo import load_demo
from programme.models import Mandate
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_the_notice_is_accessible_on_public_pages(visit, page, transactional_db):
    load_demo(with_logins=False)
    services.mandate_close(
        actor=factories.UserFactory(is_staff=True, is_superuser=True),
        mandate=Mandate.objects.first(),
    )

    for path in ["/", "/kommuner/", "/nyheter/"]:
        visit(path)
        notice = page.locator(".mandate-closed")
        assert notice.count() == 1, path
        assert "är avslutat sedan" in notice.inner_text()
