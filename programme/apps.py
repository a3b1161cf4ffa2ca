from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = _("Uppdraget")

    def ready(self):
        from programme import closure

        closure.connect()
