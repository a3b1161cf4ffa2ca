"""A bare Django project: the yardstick `make bench` measures the portal by.

What `django-admin startproject` gives (its apps, middleware and context
processors, DEBUG off, SQLite) plus one tiny app, `pages`, and nothing else.
The portal is held to this: an uncached page at most twice the bare
template page, a cached one near the pre-rendered floor, a worker at most
1.5 times this project's worker in memory.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# Never deployed: a benchmark on 127.0.0.1 with a throw-away key.
SECRET_KEY = os.environ.get("BASELINE_SECRET_KEY", "bench-baseline-insecure-key")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "pages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "baseline_site.urls"
WSGI_APPLICATION = "baseline_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# No page reads it; the file is never created unless someone migrates.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("BASELINE_DATABASE", BASE_DIR / "db.sqlite3"),
    }
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LANGUAGE_CODE = "sv"
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
