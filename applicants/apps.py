from django.apps import AppConfig, apps
from django.conf import settings
from django.db.models.signals import post_save


class ApplicantsConfig(AppConfig):
    name = "applicants"
    verbose_name = "Applicants"

    def ready(self) -> None:
        from applicants import sharing

        # Invitations by e-mail wait for a verified address. With allauth, verification is a
        # signal; without it, sign-up itself is the only moment an address is attached.
        if apps.is_installed("allauth.account"):
            from allauth.account.signals import email_confirmed

            email_confirmed.connect(sharing.on_email_confirmed, dispatch_uid="claim_invitations")
        else:
            post_save.connect(
                sharing.on_user_created,
                sender=settings.AUTH_USER_MODEL,
                dispatch_uid="claim_invitations",
            )
