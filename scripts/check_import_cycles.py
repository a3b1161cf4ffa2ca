"""Fail when a module of ours imports another that imports it back.

Counts every import, function-level ones too (grimp reads them all), so a
cycle cannot hide behind an import placed inside a function. Run by
`make lint`.
"""

import sys

import grimp

PACKAGES = ("portal", "programme", "municipalities", "presentations")


def cycles(graph):
    found = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if graph.chain_exists(importer=imported, imported=module):
                back = graph.find_shortest_chain(importer=imported, imported=module)
                found.append((module, imported, back))
    return found


def main():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    found = cycles(graph)
    for module, imported, back in found:
        print(
            f"{module} imports {imported}, which imports it back: {' -> '.join(back)}"
        )
    if found:
        print(f"{len(found)} import cycle edge(s) found.")
        return 1
    print(f"No import cycles in {len(graph.modules)} modules.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
