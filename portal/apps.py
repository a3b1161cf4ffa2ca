from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portalen")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from portal.middleware import remember_login_time
        from portal.observability import connect_signals

        user_logged_in.connect(remember_login_time, dispatch_uid="portal-login-at")
        connect_signals()
