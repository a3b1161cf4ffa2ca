"""WSGI entry point (gunicorn baseline_site.wsgi, from bench/baseline)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baseline_site.settings")
application = get_wsgi_application()
