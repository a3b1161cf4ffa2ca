from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MunicipalitiesConfig(AppConfig):
    name = "municipalities"
    verbose_name = _("Kommuner och arbetsgrupper")

    def ready(self):
        from municipalities.coordination import policies

        policies.install_doors()
