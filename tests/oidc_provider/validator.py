from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class ClaimsValidator(OAuth2Validator):
    """Each account's email claims come from the test's table, so a test can
    make the provider assert an unverified or missing address."""

    def get_additional_claims(self, request):
        return settings.PROVIDER_CLAIMS.get(request.user.get_username(), {})
