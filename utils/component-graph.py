#!/usr/bin/env python3
"""The dependency graph between lambda-opt's components.

Component X is include/lambda-opt/X plus lib/X. X depends on Y when a file
of X includes "lambda-opt/Y/...". The graph must have no cycle, and every
edge must be declared in the LINK list of X's library target (lib/X/
CMakeLists.txt), which is what lets the build refuse an undeclared include.

  component-graph.py --check            exit 1 on a cycle or undeclared edge
  component-graph.py --table            the markdown dependency table
  component-graph.py --update FILE.md   rewrite the table in FILE.md
  component-graph.py --dot              the graph for Graphviz
"""

import argparse
import os
import re
import sys

INCLUDE_RE = re.compile(r'#\s*include\s+"lambda-opt/([A-Za-z]+)/')
COMPONENT_RE = re.compile(r"add_lambda_opt_component\(\s*(\w+)(.*?)\)", re.S)
SOURCE_SUFFIXES = (".h", ".cpp", ".def", ".inc")


def components(root):
    names = set()
    for base in ("include/lambda-opt", "lib"):
        for name in os.listdir(os.path.join(root, base)):
            if os.path.isdir(os.path.join(root, base, name)):
                names.add(name)
    return sorted(names)


def include_graph(root, names):
    graph = {n: set() for n in names}
    for base in ("include/lambda-opt", "lib"):
        for name in names:
            folder = os.path.join(root, base, name)
            for dirpath, _, files in os.walk(folder):
                for f in files:
                    if not f.endswith(SOURCE_SUFFIXES):
                        continue
                    with open(os.path.join(dirpath, f), errors="replace") as fh:
                        for m in INCLUDE_RE.finditer(fh.read()):
                            if m.group(1) != name:
                                graph[name].add(m.group(1))
    return graph


def declared_links(root, names):
    """Per component folder: the components and external libraries its
    targets link (modules built in the folder included)."""
    links = {n: (set(), set()) for n in names}
    for name in names:
        path = os.path.join(root, "lib", name, "CMakeLists.txt")
        if not os.path.exists(path):
            continue
        with open(path) as fh:
            text = re.sub(r"#.*", "", fh.read())
        for m in COMPONENT_RE.finditer(text):
            words = m.group(2).split()
            if "LINK" not in words:
                continue
            for w in words[words.index("LINK") + 1:]:
                if w.startswith("LambdaOpt"):
                    links[name][0].add(w[len("LambdaOpt"):])
                elif w not in ("LLVM", "Threads::Threads", "${CMAKE_DL_LIBS}"):
                    links[name][1].add(w.split("::")[-1])
    return links


def find_cycles(graph):
    cycles = []
    state = {}

    def visit(node, stack):
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                cycles.append(stack[stack.index(dep):] + [dep])
            elif dep not in state:
                visit(dep, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    return cycles


def layers(graph):
    """Components by layer (longest path to a leaf), then by name."""
    depth = {}

    def level(node):
        if node not in depth:
            depth[node] = 0
            depth[node] = 1 + max((level(d) for d in graph[node]), default=-1)
        return depth[node]

    return sorted(graph, key=lambda n: (level(n), n))


def transitive_reduction(graph):
    """Direct edges not implied by a longer path (for a readable table)."""
    def reach(node, skip):
        seen, todo = set(), [d for d in graph[node] if d != skip]
        while todo:
            n = todo.pop()
            if n in seen:
                continue
            seen.add(n)
            todo.extend(graph[n])
        return seen

    return {n: {d for d in deps if d not in reach(n, d)}
            for n, deps in graph.items()}


def read_descriptions(path):
    described = {}
    if not path or not os.path.exists(path):
        return described
    with open(path) as fh:
        for line in fh:
            m = re.match(r"\|\s*`(\w+)`\s*\|\s*(.*?)\s*\|", line)
            if m:
                described[m.group(1)] = m.group(2)
    return described


def table(graph, links, descriptions):
    reduced = transitive_reduction(graph)
    users = {n: sorted(u for u in graph if n in graph[u]) for n in graph}
    rows = ["| component | what it holds | depends on (the rest through these) "
            "| external libraries | used by |",
            "|---|---|---|---|---|"]
    order = layers(graph)
    for n in order:
        uses = ", ".join(f"`{d}`" for d in order if d in reduced[n])
        external = ", ".join(sorted(links.get(n, (set(), set()))[1]))
        rows.append("| `{}` | {} | {} | {} | {} |".format(
            n, descriptions.get(n, ""), uses or "—", external or "—",
            ", ".join(f"`{u}`" for u in users[n]) or "—"))
    return "\n".join(rows) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), os.pardir))
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--check", action="store_true")
    group.add_argument("--table", action="store_true")
    group.add_argument("--update", metavar="FILE")
    group.add_argument("--dot", action="store_true")
    args = parser.parse_args()

    names = components(args.root)
    graph = include_graph(args.root, names)
    links = declared_links(args.root, names)

    if args.check:
        status = 0
        for cycle in find_cycles(graph):
            print("include cycle: " + " -> ".join(cycle))
            status = 1
        for n in names:
            has_target = os.path.exists(
                os.path.join(args.root, "lib", n, "CMakeLists.txt"))
            for d in sorted(graph[n]):
                if has_target and d not in links[n][0]:
                    print(f"lib/{n}/CMakeLists.txt: {n} includes {d} headers "
                          f"but does not link LambdaOpt{d}")
                    status = 1
        if status == 0:
            print(f"{len(names)} components, "
                  f"{sum(len(v) for v in graph.values())} edges, no cycle")
        return status

    if args.dot:
        print("digraph components {")
        for n in layers(graph):
            for d in sorted(graph[n]):
                print(f'  "{n}" -> "{d}";')
        print("}")
        return 0

    if args.table:
        sys.stdout.write(table(graph, links, read_descriptions(
            os.path.join(args.root, "docs", "Architecture.md"))))
        return 0

    with open(args.update) as fh:
        text = fh.read()
    new = table(graph, links, read_descriptions(args.update))
    pattern = re.compile(r"\| component \|.*?\n(?:\|.*\n)+")
    if not pattern.search(text):
        print(f"{args.update}: no component table found", file=sys.stderr)
        return 1
    with open(args.update, "w") as fh:
        fh.write(pattern.sub(lambda _: new, text, count=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
