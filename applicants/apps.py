from django.apps import AppConfig


class ApplicantsConfig(AppConfig):
    name = "applicants"
    verbose_name = "Applicants"

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed

        from applicants import sharing

        # An invitation by e-mail waits for that address to be verified.
        email_confirmed.connect(sharing.on_email_confirmed, dispatch_uid="claim_invitations")
