from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "offers"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        from offers import signals  # noqa: F401
