from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people get accounts when their agency's registration is approved or
    when the program office invites them."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
