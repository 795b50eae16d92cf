from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "perspektive.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.conf.locale import LANG_INFO

        # Django knows no Pashto; the UI ships it (DESIGN section 1).
        LANG_INFO.setdefault(
            "ps", {"bidi": True, "code": "ps", "name": "Pashto", "name_local": "پښتو"}
        )
        from perspektive.core import checks  # noqa: F401  (registers system checks)
