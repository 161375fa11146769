from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CongressesConfig(AppConfig):
    name = "congresses"
    verbose_name = _("人民代表大会")
