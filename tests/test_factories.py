"""Every model of the project has a factory that builds a valid row."""

import factory
import pytest
from django.apps import apps

from tests import factories

PROJECT_APPS = {"portal", "programme", "municipalities", "presentations"}


def project_models():
    return {
        model
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        and not model.__name__.startswith("Historical")
    }


def all_factories():
    return {
        value._meta.model: value
        for value in vars(factories).values()
        if isinstance(value, type)
        and issubclass(value, factory.django.DjangoModelFactory)
        and value._meta.model is not None
    }


def test_every_model_has_a_factory():
    missing = {model._meta.label for model in project_models()} - {
        model._meta.label for model in all_factories()
    }

    assert missing == set()


@pytest.mark.parametrize(
    "model_factory",
    sorted(all_factories().values(), key=lambda f: f._meta.model._meta.label),
    ids=lambda f: f._meta.model._meta.label,
)
def test_factory_builds_a_valid_row(db, settings, tmp_path, model_factory):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    obj = model_factory()

    obj.full_clean()
    assert type(obj).objects.filter(pk=obj.pk).exists()
