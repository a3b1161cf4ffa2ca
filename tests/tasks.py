"""Running queued django.tasks inside a test's transaction.

`manage.py db_worker` closes the database connection when it is done, which
a test that runs in one transaction cannot survive; this runs each ready task
the way the worker does, in process.
"""

from django_tasks_db.models import DBTaskResult


def run_queued_tasks():
    """Run every ready task once, oldest first; return how many ran."""
    ran = 0
    for row in DBTaskResult.objects.ready():
        args = row.args_kwargs
        row.set_successful(row.task.call(*args["args"], **args["kwargs"]))
        ran += 1
    return ran
