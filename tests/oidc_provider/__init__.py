"""A real OpenID Connect provider for the SSO tests.

A separate, tiny Django project built on django-oauth-toolkit (OIDC on, an
RS256 key made at start, its own SQLite file). `serve.py` runs it in a child
process on a free port of 127.0.0.1, so the portal under test does real
discovery, authorisation, token exchange, JWKS and userinfo over HTTP and
checks really signed ID tokens. Never part of the portal itself.
"""
