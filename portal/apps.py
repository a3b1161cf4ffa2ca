from django.apps import AppConfig
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _


def _pixel_limit_changed(*, setting, **kwargs):
    if setting == "IMAGE_MAX_PIXELS":
        from portal.uploads import configure_pillow

        configure_pillow()


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portalen")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from portal import lookups  # noqa: F401 (registers IntegerFieldIn)
        from portal.middleware import remember_login_time
        from portal.observability import connect_signals
        from portal.public_cache import connect_signals as connect_page_cache
        from portal.uploads import configure_pillow

        user_logged_in.connect(remember_login_time, dispatch_uid="portal-login-at")
        configure_pillow()
        setting_changed.connect(_pixel_limit_changed, dispatch_uid="portal-pixel-limit")
        connect_signals()
        connect_page_cache()
