"""The import-cycle check that `make lint` runs finds cycles, and there are
none in the project."""

import grimp

from scripts.check_import_cycles import PACKAGES, cycles


def test_check_finds_a_cycle_through_a_function_level_import():
    graph = grimp.ImportGraph()
    graph.add_import(importer="app.models", imported="app.policies")
    graph.add_import(importer="app.policies", imported="app.models")
    graph.add_import(importer="app.views", imported="app.models")

    found = cycles(graph)

    assert [(module, imported) for module, imported, _back in found] == [
        ("app.models", "app.policies"),
        ("app.policies", "app.models"),
    ]


def test_project_has_no_import_cycles():
    assert cycles(grimp.build_graph(*PACKAGES, cache_dir=None)) == []
