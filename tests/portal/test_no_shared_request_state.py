"""No object that outlives a request may keep anything of one.

Threaded workers serve several requests with the same Python objects at once,
so an object that stores the request (or the user) on itself hands one user's
data to another: the entry feed did, as an instance in a URL pattern. Every
URL pattern must therefore call a plain function (a function view, or the
`as_view()` of a class-based view, which builds an instance per request), or
an object of a class on ALLOWED, with the reason it is safe. The classes of
ours among the shared objects, and our middleware, may assign to `self` only
in `__init__`.
"""

import ast
import functools
import inspect
import textwrap
import types

from django.conf import settings
from django.contrib.admin.options import BaseModelAdmin
from django.contrib.admin.sites import AdminSite
from django.contrib.syndication.views import Feed
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import URLResolver, get_resolver, path
from django.utils.module_loading import import_string

from municipalities.coordination.views.feed import EntryFeed
from programme.views import LatestNewsFeed

OUR_APPS = ("portal", "programme", "presentations", "municipalities")

ALLOWED = {
    AdminSite: "Django's admin site: its URL patterns call its methods; it "
    "holds the model registry, fixed at start-up.",
    BaseModelAdmin: "Django keeps one ModelAdmin per model for the process; "
    "ours are checked below to keep no request state.",
    CsrfViewMiddleware: "the instance inside csrf_protect; it keeps its state "
    "on the request.",
    LatestNewsFeed: "public news, the same for every reader; checked below to "
    "keep no request state.",
}

MUTATING_METHODS = {
    "append",
    "extend",
    "insert",
    "add",
    "update",
    "setdefault",
    "pop",
    "popitem",
    "remove",
    "discard",
    "clear",
}


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def _reachable(callback):
    """Every object a view function can reach without a request: what it wraps,
    binds, closes over or takes as a default."""
    seen, todo = {}, [callback]
    while todo:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen[id(obj)] = obj
        if isinstance(obj, types.MethodType):
            todo += [obj.__self__, obj.__func__]
        elif isinstance(obj, functools.partial):
            todo += [obj.func, *obj.args, *obj.keywords.values()]
        elif isinstance(obj, types.FunctionType):
            for cell in obj.__closure__ or ():
                try:
                    todo.append(cell.cell_contents)
                except ValueError:  # An empty cell.
                    continue
            todo += list(obj.__defaults__ or ())
            todo += list((obj.__kwdefaults__ or {}).values())
            if hasattr(obj, "__wrapped__"):
                todo.append(obj.__wrapped__)
    return seen.values()


def _is_shared_instance(obj):
    """An object of a class with behaviour: not a function or class (methods
    and partials are looked into by _reachable), nor a plain value."""
    plain = (
        type,
        types.FunctionType,
        types.BuiltinFunctionType,
        types.MethodType,
        functools.partial,
    )
    return not isinstance(obj, plain) and type(obj).__module__ != "builtins"


def shared_instances(patterns):
    """(route, object) for every object that serves all requests of a route."""
    for route, callback in _routes(patterns):
        for obj in _reachable(callback):
            if _is_shared_instance(obj):
                yield route, obj


def _is_ours(cls):
    # tests: the classes the guard's own tests below feed it.
    return cls.__module__.split(".")[0] in (*OUR_APPS, "tests")


def _self_mutations(cls):
    """Lines where a method of `cls` other than __init__ changes `self`."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    found = []
    for method in tree.body[0].body:
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if method.name == "__init__":
            continue
        if not method.args.args:
            continue
        me = method.args.args[0].arg

        def on_self(node, me=me):
            while isinstance(node, (ast.Attribute, ast.Subscript)):
                node = node.value
            return isinstance(node, ast.Name) and node.id == me

        for node in ast.walk(method):
            targets = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                targets = [node.target]
            elif isinstance(node, ast.Delete):
                targets = node.targets
            elif isinstance(node, ast.Call):
                func = node.func
                if (
                    isinstance(func, ast.Name)
                    and func.id in ("setattr", "delattr")
                    and node.args
                    and on_self(node.args[0])
                ) or (
                    isinstance(func, ast.Attribute)
                    and func.attr in MUTATING_METHODS
                    and isinstance(func.value, (ast.Attribute, ast.Subscript))
                    and on_self(func.value)
                ):
                    found.append(
                        f"{cls.__qualname__}.{method.name}: {ast.unparse(node)}"
                    )
            for target in targets:
                for part in ast.walk(target):
                    if isinstance(part, (ast.Attribute, ast.Subscript)) and on_self(
                        part
                    ):
                        found.append(
                            f"{cls.__qualname__}.{method.name}: {ast.unparse(part)}"
                        )
                        break
    return found


def request_state_problems(classes):
    """Lines where `classes`, or their bases, of ours keep state on `self`."""
    ours = {base for klass in classes for base in klass.__mro__ if _is_ours(base)}
    return sorted(line for klass in ours for line in _self_mutations(klass))


def test_url_patterns_call_functions_or_allowed_instances():
    not_allowed = [
        f"{route} → {type(obj).__module__}.{type(obj).__qualname__}"
        for route, obj in shared_instances(get_resolver().url_patterns)
        if not isinstance(obj, tuple(ALLOWED))
    ]
    assert not_allowed == [], (
        "These objects serve every request of their URL at once. Route a "
        "function or as_view() instead, or add the class to ALLOWED with a reason."
    )


def test_shared_objects_of_ours_keep_no_request_state():
    shared = {type(obj) for _r, obj in shared_instances(get_resolver().url_patterns)}
    # Middleware instances live as long as the process, like the objects above.
    middleware = {
        import_string(dotted)
        for dotted in settings.MIDDLEWARE
        if dotted.split(".")[0] in OUR_APPS
    }

    assert middleware
    assert request_state_problems(shared | middleware) == []


def test_admin_and_news_feed_are_reached_by_the_walk():
    """The checks above see the shared objects they claim to check."""
    classes = {type(obj) for _r, obj in shared_instances(get_resolver().url_patterns)}

    assert LatestNewsFeed in classes
    assert any(
        issubclass(klass, BaseModelAdmin) and _is_ours(klass) for klass in classes
    )


def test_entry_feed_route_builds_a_feed_per_request():
    callback = get_resolver().resolve("/samordning/lagesrapporter/flode/").func

    assert isinstance(callback, types.FunctionType)
    assert callback.feed_class is EntryFeed


def test_guard_catches_an_instance_in_a_url_pattern():
    class StatefulFeed(Feed):
        def __call__(self, request, *args, **kwargs):
            self.request = request
            return super().__call__(request, *args, **kwargs)

    def decorated(view):
        @functools.wraps(view)
        def wrapper(request):
            return view(request)

        return wrapper

    patterns = [
        path("a/", StatefulFeed()),
        path("b/", decorated(StatefulFeed())),
        path("c/", functools.partial(StatefulFeed().__call__)),
        path("d/", EntryFeed.as_view()),
    ]
    found = list(shared_instances(patterns))

    assert sorted(route for route, _obj in found) == ["a/", "b/", "c/"]
    assert request_state_problems([StatefulFeed]) == [
        "test_guard_catches_an_instance_in_a_url_pattern.<locals>.StatefulFeed"
        ".__call__: self.request"
    ]


def test_guard_catches_state_kept_in_containers_on_self():
    class Remembering:
        def __init__(self):
            self.seen = {}

        def __call__(self, request):
            self.seen[request.user.pk] = request
            self.log.append(request.path)
            setattr(self, f"last_{request.method}", request)

    problems = request_state_problems([Remembering])

    assert [problem.split(": ")[1] for problem in problems] == [
        "self.log.append(request.path)",
        "self.seen[request.user.pk]",
        "setattr(self, f'last_{request.method}', request)",
    ]
