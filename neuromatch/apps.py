from django.apps import AppConfig


class NeuromatchConfig(AppConfig):
    """The site itself: account wiring, deploy checks, the e-mail addresses migration."""

    name = "neuromatch"
    verbose_name = "neuromatch site"

    def ready(self) -> None:
        from allauth.account.signals import password_reset

        from neuromatch import checks, converters  # noqa: F401  (deploy checks; <id:…> in URLs)
        from neuromatch.accounts import lift_lock_on_password_reset

        password_reset.connect(lift_lock_on_password_reset, dispatch_uid="neuromatch-axes-reset")
