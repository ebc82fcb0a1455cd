from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "engagements"
    verbose_name = "Councils and engagements"

    def ready(self) -> None:
        from engagements import checks, signals  # noqa: F401  (system checks; signals)
