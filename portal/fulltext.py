"""The stored search document of public content (news, sessions,
presentations, speakers): one column per searchable model, kept by the
database itself.

On PostgreSQL the column is a `tsvector` generated from the model's own text
fields with the Swedish dictionary (`GENERATED ALWAYS AS … STORED`), so every
write, whichever way it comes (a form, the admin, `bulk_create`, a restore
that inserts rows without `save()`), leaves it up to date, and a GIN index
(`search_index`) lets a query find its rows without reading every row. The
title weighs most (A), then the lead or summary (B), then the rest (C).

SQLite has no such dictionary: there the column is always NULL and
`portal.search` falls back to matching every word of the query in the text
fields, case-insensitively and without stemming (a development fallback, not
the search production runs).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models

SEARCH_CONFIG = "swedish"


class PostgresOnly(models.Func):
    """The wrapped expression on PostgreSQL, NULL on any other database."""

    template = "%(expressions)s"

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor != "postgresql":
            return "NULL", ()
        return super().as_sql(compiler, connection, **extra_context)


def search_document(**weights):
    """A generated `search_vector` column over `field=weight` (A to D)."""
    vector = None
    for name, weight in weights.items():
        part = SearchVector(name, config=SEARCH_CONFIG, weight=weight)
        vector = part if vector is None else vector + part
    return models.GeneratedField(
        expression=PostgresOnly(vector, output_field=SearchVectorField()),
        output_field=SearchVectorField(),
        db_persist=True,
        editable=False,
    )


class SearchIndex(GinIndex):
    """A GIN index over the search document on PostgreSQL. SQLite has no GIN
    (and its column is always NULL): there it is a plain index, so one
    migration serves both."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        return models.Index.create_sql(
            self, model, schema_editor, using=using, **kwargs
        )


def search_index(model_name):
    return SearchIndex(fields=["search_vector"], name=f"{model_name}_search_gin")
