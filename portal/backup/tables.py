"""What an archive holds of the database: which tables, and each value in a
form that reads the same from SQLite and PostgreSQL."""

import base64
import datetime
import decimal
import hashlib
import json
import uuid

from django.apps import apps
from django.db import connection, models
from django.db.models import ExpressionWrapper, Q
from django.utils import timezone

# Tables never in an archive, and why. Sessions are emptied by a restore:
# everyone signs in again.
EXCLUDED_TABLES = {
    "django_session": "inloggade sessioner; alla loggar in på nytt efter "
    "en återställning",
    "django_migrations": "schemats läge; arkivet bär listan över migreringar "
    "och återställningen kräver samma lista",
}
# What `migrate` writes by itself (content types, permissions and the roles'
# groups): a target holding rows only here still counts as empty. A restore
# replaces these rows too, so ids and the roles come back exactly.
MIGRATION_TABLES = frozenset(
    {"django_content_type", "auth_permission", "auth_group", "auth_group_permissions"}
)


class BackupError(Exception):
    """A refusal or failure, worded in Swedish for the operator."""


def quiet(message, level=1):
    """The default progress reporter: says nothing."""


def backed_up_models():
    """Every model whose table is in an archive, one per table, by table name.

    Raises BackupError when a table is missing: the database is not migrated.
    """
    existing = set(connection.introspection.table_names())
    chosen = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in EXCLUDED_TABLES:
            continue
        if meta.parents:
            raise BackupError(
                f"Modellen {meta.label} ärver en annan modells tabell; "
                "säkerhetskopieringen hanterar inte det."
            )
        if meta.db_table not in existing:
            raise BackupError(
                f"Databasen är inte migrerad: tabellen {meta.db_table} saknas. "
                "Kör manage.py migrate först."
            )
        chosen.setdefault(meta.db_table, model)
    return [chosen[table] for table in sorted(chosen)]


def fields_of(model):
    """The columns an archive holds: generated columns (the search
    documents) are left out, the database makes them again from the rest."""
    return [field for field in model._meta.local_concrete_fields if not field.generated]


def kind_of(field):
    while field.is_relation:
        field = field.target_field
    return field.get_internal_type()


# --- Values in a database-neutral form ---------------------------------------


def encode(kind, value):
    """A JSON value for one column; `decode` gives the Python value back."""
    if kind == "JSONField":
        # Wrapped, so that JSON null ([None]) differs from SQL NULL (None);
        # the caller tells SQL NULL apart.
        return [value]
    if value is None:
        return None
    if kind == "DateTimeField":
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if kind in ("DateField", "TimeField"):
        return value.isoformat()
    if kind == "DurationField":
        return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    if kind in ("DecimalField", "UUIDField"):
        return str(value)
    if kind == "BinaryField":
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, bool | int | float | str):
        return value
    raise BackupError(f"Värden av typen {kind} kan inte säkerhetskopieras.")


def decode(kind, value):
    if value is None:
        return None
    if kind == "DateTimeField":
        return datetime.datetime.fromisoformat(value)
    if kind == "DateField":
        return datetime.date.fromisoformat(value)
    if kind == "TimeField":
        return datetime.time.fromisoformat(value)
    if kind == "DurationField":
        return datetime.timedelta(microseconds=value)
    if kind == "DecimalField":
        return decimal.Decimal(value)
    if kind == "UUIDField":
        return uuid.UUID(value)
    if kind == "BinaryField":
        return base64.b64decode(value)
    return value


def db_param(field, kind, value):
    """The parameter that stores an archived value, without save() or
    signals: auto_now and friends must not touch restored rows."""
    if kind == "JSONField" and value is not None:
        if value[0] is None:
            # JSON null: get_db_prep_save would store SQL NULL.
            return field.get_db_prep_value(None, connection)
        return field.get_db_prep_save(value[0], connection)
    return field.get_db_prep_save(decode(kind, value), connection)


def _pk_key(value):
    if isinstance(value, int):
        return (0, value, "")
    return (1, 0, json.dumps(value, sort_keys=True))


def _line(value):
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return (text + "\n").encode()


def table_rows(model):
    """(column names, rows) of a table, values encoded, ordered by primary
    key in a way that does not depend on the database's collation."""
    fields = fields_of(model)
    names = [field.attname for field in fields]
    kinds = [kind_of(field) for field in fields]
    queryset = model._base_manager.order_by("pk")
    # A nullable JSON column holds SQL NULL or JSON null; both read as None.
    nulls = {
        field.attname: f"_backup_null_{index}"
        for index, field in enumerate(fields)
        if field.null and kind_of(field) == "JSONField"
    }
    if nulls:
        queryset = queryset.annotate(
            **{
                alias: ExpressionWrapper(
                    Q(**{f"{name}__isnull": True}),
                    output_field=models.BooleanField(),
                )
                for name, alias in nulls.items()
            }
        )
    rows = []
    for values in queryset.values_list(*names, *nulls.values()).iterator(
        chunk_size=2000
    ):
        sql_null = dict(zip(nulls, values[len(names) :], strict=True))
        rows.append(
            [
                None if sql_null.get(name) else encode(kind, value)
                for name, kind, value in zip(names, kinds, values, strict=False)
            ]
        )
    pk_index = names.index(model._meta.pk.attname)
    rows.sort(key=lambda row: _pk_key(row[pk_index]))
    return names, rows


def table_digest(names, rows):
    digest = hashlib.sha256(_line(names))
    for row in rows:
        digest.update(_line(row))
    return digest.hexdigest()


def database_digests():
    """{table: {"rows": count, "sha256": content checksum}} of the tables
    backed up, computed as for the archive's manifest."""
    result = {}
    for model in backed_up_models():
        names, rows = table_rows(model)
        result[model._meta.db_table] = {
            "rows": len(rows),
            "sha256": table_digest(names, rows),
        }
    return result
