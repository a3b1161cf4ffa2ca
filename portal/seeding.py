"""Helpers every app's demo seeder shares, so a second run changes nothing."""

import datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def upsert(model, lookup, values):
    """update_or_create that leaves an unchanged row untouched."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj, False


def stockholm_time(*args) -> datetime.datetime:
    """A wall-clock time in Sweden, as the demo's events were announced."""
    return datetime.datetime(*args, tzinfo=STOCKHOLM)


def backdate(obj, **times):
    """Set timestamps Django keeps for itself (auto_now, auto_now_add) to when
    the demo says things happened; an update() leaves the row otherwise
    alone and writes no history, so a second run changes nothing."""
    type(obj).objects.filter(pk=obj.pk).update(**times)
    for name, value in times.items():
        setattr(obj, name, value)


def backdate_history(obj, when):
    """Date the change-history rows of a demo row (django-simple-history)
    to when the demo says the row was written."""
    obj.history.update(history_date=when)
