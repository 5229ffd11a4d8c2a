#!/usr/bin/env python3
"""Grammar check of lizard's functions for scripts/parity-lizard (run with the tool venv's python).

lizard finds functions with a token-level state machine, so it sometimes reports things that are
not functions with a body: TypeScript function *types* (``cb: (x: T) => void``), bodiless
overload and interface signatures, C prototypes, or a closing JSX tag it misread. This helper
decides, for each lizard function, what the language's tree-sitter grammar has at lizard's start
line -- using py-tree-sitter and the grammar wheels only, never cairn's output:

  real     a function-like node WITH A BODY has its first token or its name on that line
           (kind ""), or the line lies in the header of such a function, between its first
           token and the start of its body (kind "header line": lizard's start line for a
           multi-line header, or for an arrow function whose expression body starts on the next
           line; parity-lizard reports these as header slips). Each function is claimed by at
           most one lizard entry: exact lines and equal names first, then names that do not
           contradict (lizard's "(anonymous)", a nameless callback), then any name.
  slip     kind "overload merged into its implementation": the line holds a bodiless overload
           signature that is followed (after further signatures of the same name) by the
           implementation with that name, and no lizard entry claimed that implementation:
           lizard merged the overloads and reports them at the first signature's line.
  slip     kind "line drift": nothing function-like is on the line, but an unclaimed function
           with a body and the same name (a nameless one for lizard's "(anonymous)") has its
           first token or name within DRIFT lines of lizard's line shifted by the drift of the
           nearest resolved entry above: lizard's TSX reader loses lines around JSX, more and
           more down a file. A named entry takes its same-named function before a nameless
           entry on that function's line can.
  macro    no function node, but the line is code the grammar cannot see as a function: a C/C++
           macro call followed by a block (``MATCHER(Name, "") { ... }``) or a Rust ``fn``
           inside a macro's token tree. These are functions after macro expansion; they are
           NOT phantoms.
  phantom  none of the above: lizard reported something that is not a function with a body.
           ``kind`` is the bodiless node on the line (function_type, call_signature,
           function_signature, method_signature, abstract_method_signature, "overload
           signature" for a signature followed by its separately reported implementation, a C
           prototype, a Go/Java declaration without body, ...) or "no function on this line"
           (a misread, e.g. a closing JSX tag); ``info`` names the innermost node there.

Input (stdin, JSON):  {"lang": "typescript", "entries": [[path, line, name], ...]}
Output (stdout, JSON): {"results": [[class, kind, info, lines], ...]} in the order of the
entries; ``lines`` are the 1-based lines of the function's first token, name and bound name (for
real and slip: where another tool may report that function), else [].
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict

sys.dont_write_bytecode = True

import tree_sitter as ts  # noqa: E402


def _language(lang: str) -> ts.Language:
    if lang == "javascript":
        import tree_sitter_javascript as m
        return ts.Language(m.language())
    if lang in ("typescript", "tsx"):
        import tree_sitter_typescript as m
        return ts.Language(m.language_typescript() if lang == "typescript" else m.language_tsx())
    mod = {"python": "tree_sitter_python", "rust": "tree_sitter_rust", "go": "tree_sitter_go",
           "java": "tree_sitter_java", "c": "tree_sitter_c", "cpp": "tree_sitter_cpp"}[lang]
    return ts.Language(__import__(mod).language())


JS_FUNCS = ["function_declaration", "function_expression", "generator_function",
            "generator_function_declaration", "arrow_function", "method_definition"]
TS_SIGS = ["function_type", "constructor_type", "call_signature", "construct_signature",
           "function_signature", "method_signature", "abstract_method_signature"]

# Function-like node types: a node of these types is a function when it has a `body`.
FUNCS = {
    "javascript": JS_FUNCS,
    "typescript": JS_FUNCS,
    "tsx": JS_FUNCS,
    "python": ["function_definition", "lambda"],
    "rust": ["function_item", "closure_expression"],
    "go": ["function_declaration", "method_declaration", "func_literal"],
    "java": ["method_declaration", "constructor_declaration", "compact_constructor_declaration",
             "lambda_expression"],
    "c": ["function_definition"],
    "cpp": ["function_definition", "lambda_expression"],
}
# Node types that look like functions but never have a body.
SIGS = {
    "typescript": TS_SIGS,
    "tsx": TS_SIGS,
    "rust": ["function_signature_item", "function_type"],
    "go": ["method_elem", "function_type"],
    "c": ["function_declarator", "abstract_function_declarator"],
    "cpp": ["function_declarator", "abstract_function_declarator"],
}
OVERLOADABLE = {"function_signature", "method_signature"}
DRIFT = 3  # lines
# Where a C/C++ function_declarator sits decides what it is.
C_DECL_OWNERS = {"function_definition", "declaration", "field_declaration", "type_definition",
                 "parameter_declaration", "template_declaration", "friend_declaration"}


def short_name(name: str) -> str:
    name = name.split("::")[-1]
    if "." in name and not name.startswith("("):
        name = name.split(".")[-1]
    return name.strip()


def _text(node) -> str:
    return node.text.decode("utf-8", "replace") if node is not None else ""


def _name_node(node):
    n = node.child_by_field_name("name")
    if n is not None:
        return n
    d = node.child_by_field_name("declarator")  # C/C++: innermost declarator
    while d is not None:
        inner = d.child_by_field_name("declarator")
        if inner is None and d.type in ("reference_declarator", "pointer_declarator",
                                        "parenthesized_declarator") and d.named_children:
            inner = d.named_children[-1]  # `T&\nname()`: the reference has no field
        if inner is None:
            return d
        d = inner
    return None


def _bound_name(node) -> str:  # noqa: D401
    """Name an anonymous JS function takes from what it is bound to (for name preference)."""
    p = node.parent
    if p is None:
        return ""
    for field in ("name", "left", "key", "property"):
        n = p.child_by_field_name(field)
        if n is not None and n.id != node.id:
            return short_name(_text(n))
    return ""


class Func:
    __slots__ = ("node", "start", "end", "name", "name_row", "body_row", "claimed", "anchors")

    def __init__(self, node, body):
        self.node = node
        self.start = node.start_point[0]
        self.end = node.end_point[0]
        nn = _name_node(node)
        self.name = short_name(_text(nn)) if nn is not None else _bound_name(node)
        self.name_row = nn.start_point[0] if nn is not None else None
        self.body_row = body.start_point[0]
        self.claimed = False
        # 1-based lines at which another tool may report this function: its first token, its
        # name, or the name it is bound to (`const f = () => ...`).
        rows = {self.start}
        if self.name_row is not None:
            rows.add(self.name_row)
        elif node.parent is not None:
            for fld in ("name", "left", "key", "property"):
                n = node.parent.child_by_field_name(fld)
                if n is not None and n.id != node.id:
                    rows.add(n.start_point[0])
                    break
        self.anchors = sorted(r + 1 for r in rows)


class Sig:
    __slots__ = ("node", "kind", "start", "end", "name")

    def __init__(self, node, kind):
        self.node = node
        self.kind = kind
        self.start = node.start_point[0]
        self.end = node.end_point[0]
        nn = _name_node(node)
        self.name = short_name(_text(nn)) if nn is not None else ""


def _c_declarator_owner(node):
    p = node.parent
    while p is not None and p.type not in C_DECL_OWNERS:
        p = p.parent
    return p


def collect(lang: str, root, query) -> tuple[list[Func], list[Sig]]:
    funcs, sigs = [], []
    caps = ts.QueryCursor(query).captures(root)
    for node in caps.get("f", []):
        body = node.child_by_field_name("body")
        if body is not None:
            funcs.append(Func(node, body))
        else:
            sigs.append(Sig(node, f"{node.type} without body"))
    for node in caps.get("s", []):
        kind = node.type
        if lang in ("c", "cpp"):
            owner = _c_declarator_owner(node)
            if owner is None or owner.type == "function_definition":
                continue  # the declarator of a definition, or inside an expression
            if node.type == "function_declarator":
                kind = {"declaration": "prototype", "field_declaration": "member declaration",
                        }.get(owner.type, f"function declarator in {owner.type}")
            else:
                kind = "function pointer type"
        sigs.append(Sig(node, kind))
    funcs.sort(key=lambda f: (f.node.start_point, f.node.end_point))
    sigs.sort(key=lambda s: (s.node.start_point, s.node.end_point))
    return funcs, sigs


def _unwrap(node):
    if node is not None and node.type in ("export_statement", "ambient_declaration"):
        for ch in node.named_children:
            if ch.type != "comment" and ch.type != "decorator":
                return ch
    return node


def overload_impl(sig: Sig, func_by_node: dict):
    """The implementation that follows an overload signature, or None."""
    if sig.node.type not in OVERLOADABLE or not sig.name:
        return None
    stmt = sig.node
    if stmt.parent is not None and stmt.parent.type in ("export_statement", "ambient_declaration"):
        stmt = stmt.parent
    nxt = stmt.next_named_sibling
    while nxt is not None:
        decl = _unwrap(nxt)
        if decl.type == "comment":
            nxt = nxt.next_named_sibling
            continue
        nn = _name_node(decl)
        if nn is None or short_name(_text(nn)) != sig.name:
            return None
        if decl.id in func_by_node:
            return func_by_node[decl.id]
        if decl.type in OVERLOADABLE:  # another signature of the same overload set
            nxt = nxt.next_named_sibling
            continue
        return None
    return None


C_CONTAINERS = {"translation_unit", "declaration_list", "preproc_if", "preproc_ifdef",
                "preproc_else", "preproc_elif", "linkage_specification"}


def macro_context(lang: str, root, row: int, line: str):
    """'macro' when the line is code inside a construct the grammar cannot see as a function."""
    col = len(line) - len(line.lstrip())
    node = root.named_descendant_for_point_range((row, col), (row, col))
    if lang == "rust":
        n = node
        while n is not None:
            if n.type in ("token_tree", "macro_invocation", "macro_definition"):
                if "fn " in line or line.strip().startswith("fn"):
                    return "fn inside a macro's token tree"
                return None
            n = n.parent
        return None
    if lang in ("c", "cpp"):
        # The top-level statement the line starts, followed (within two siblings and 20
        # lines) by a bare block: `MATCHER(Name, "") { ... }`, or a definition whose macros
        # confused the grammar (`static INLINE T* FN(Name)(...) { ... }`).
        n = node
        while n is not None and n.parent is not None and n.parent.type not in C_CONTAINERS:
            n = n.parent
        if n is None or n.parent is None or n.start_point[0] != row:
            return None
        if n.type == "type_definition" or any(
                ch.type in ("struct_specifier", "union_specifier", "enum_specifier",
                            "class_specifier") for ch in n.named_children):
            return None  # `typedef struct FN(Name) {`: a type's body, not a function's
        nxt = n.next_named_sibling
        for _ in range(3):
            while nxt is not None and nxt.type == "comment":
                nxt = nxt.next_named_sibling
            if nxt is None or nxt.start_point[0] - row > 20:
                return None
            if nxt.type == "compound_statement":
                return "macro call followed by a block"
            nxt = nxt.next_named_sibling
    return None


def classify_file(lang: str, parser, query, path: str, entries: list[tuple[int, int, str]],
                  out: list) -> None:
    """entries: (index into out, 1-based line, lizard name)."""
    try:
        with open(path, "rb") as fh:
            src = fh.read()
    except OSError as e:
        for idx, _, _ in entries:
            out[idx] = ["phantom", "unreadable file", str(e), []]
        return
    tree = parser.parse(src)
    root = tree.root_node
    lines = src.decode("utf-8", "replace").split("\n")
    funcs, sigs = collect(lang, root, query)
    func_by_node = {f.node.id: f for f in funcs}
    exact: dict[int, list[Func]] = defaultdict(list)
    for f in funcs:
        exact[f.start].append(f)
        if f.name_row is not None and f.name_row != f.start:
            exact[f.name_row].append(f)

    pending = sorted(entries, key=lambda e: (e[1], e[2]))

    def is_anon(name: str) -> bool:
        return name in ("", "(anonymous)", "function")

    nameless_sig_rows = {s.start for s in sigs if not s.name}

    def same(f, want, row):
        return bool(f.name) and f.name == want

    def compatible(f, want, row):
        """Not two different names. lizard's "(anonymous)" on a line that also holds a function
        type is that type (pass 3), not the named function declared on the line."""
        if same(f, want, row) or not f.name:
            return True
        return is_anon(want) and row not in nameless_sig_rows

    def anything(f, want, row):
        return True

    def claim_pass(todo, candidates, names_ok, result):
        """Claims, for each entry, the first free candidate whose name names_ok accepts."""
        left = []
        for idx, line, name in todo:
            want = short_name(name)
            f = next((f for f in candidates(line - 1)
                      if not f.claimed and names_ok(f, want, line - 1)), None)
            if f is None:
                left.append((idx, line, name))
                continue
            f.claimed = True
            out[idx] = result(f)
            resolved.append((line, 0))
        return left

    def at_line(row):
        return exact.get(row, [])

    def in_header(row):  # innermost first
        return sorted((f for f in funcs if f.start <= row <= f.body_row), key=lambda f: -f.start)

    def real(f):
        return ["real", "", f.node.type, f.anchors]

    def header(f):
        return ["real", "header line", f"{f.node.type} from line {f.start + 1}", f.anchors]

    resolved: list[tuple[int, int]] = []  # (lizard line, grammar line - lizard line)

    def drift(todo):
        """Line drift: a same-named (or, for lizard's "(anonymous)", a nameless) function that
        no entry claimed, within DRIFT lines of lizard's line shifted by the drift of the
        nearest resolved entry above it (lizard's drift accumulates through a file)."""
        left = []
        for idx, line, name in sorted(todo, key=lambda e: e[1]):
            want = short_name(name)
            above = [r for r in resolved if r[0] <= line]
            expect = line + (max(above)[1] if above else 0)
            cands = [f for f in funcs if not f.claimed
                     and (same(f, want, line - 1) or (is_anon(want) and f.name_row is None))
                     and min(abs(a - expect) for a in f.anchors) <= DRIFT]
            if not cands:
                left.append((idx, line, name))
                continue
            f = min(cands, key=lambda f: (min(abs(a - expect) for a in f.anchors), -f.start))
            f.claimed = True
            a = min(f.anchors, key=lambda a: abs(a - expect))
            out[idx] = ["slip", "line drift",
                        f"{f.node.type} at line {f.start + 1} ({a - line:+d})", f.anchors]
            resolved.append((line, a - line))
        return left

    # Pass 1: a function's first token or name on lizard's line; pass 2: lizard's line inside
    # a function's header (first token .. start of its body). Same names first, then names
    # that do not contradict each other (lizard's "(anonymous)", a nameless callback).
    rest = claim_pass(pending, at_line, same, real)
    rest = claim_pass(rest, in_header, same, header)
    # A named lizard entry whose line drifted (see pass 5) keeps its same-named function
    # before a nameless entry on that function's line can take it.
    sig_rows = {s.start for s in sigs}
    named_drift = [e for e in rest if not is_anon(short_name(e[2])) and e[1] - 1 not in sig_rows]
    rest = [e for e in rest if e not in named_drift] + drift(named_drift)
    rest = claim_pass(rest, at_line, compatible, real)
    rest = claim_pass(rest, in_header, compatible, header)
    # Passes 3-4: overload slips and bodiless function-like nodes; macro-made functions.
    drift_todo = []
    for idx, line, name in rest:
        row = line - 1
        want = short_name(name)
        anon = is_anon(want)
        # The signature starting on the line, named as lizard names it (lizard calls function
        # types "(anonymous)"), innermost first.
        on_line = sorted((s for s in sigs if s.start <= row <= s.end),
                         key=lambda s: (s.start != row, (not s.name) != anon or
                                        (not anon and s.name != want),
                                        tuple(-x for x in s.node.start_point)))
        sig = on_line[0] if on_line else None
        if sig is not None:
            impl = overload_impl(sig, func_by_node)
            if impl is not None and not impl.claimed:
                impl.claimed = True
                out[idx] = ["slip", "overload merged into its implementation",
                            f"{impl.node.type} at line {impl.anchors[-1]}", impl.anchors]
                continue
            kind = "overload signature" if impl is not None else sig.kind
            out[idx] = ["phantom", kind, f"{sig.node.type} at line {sig.start + 1}", []]
            continue
        text = lines[row] if 0 <= row < len(lines) else ""
        macro = macro_context(lang, root, row, text)
        if macro is not None:
            out[idx] = ["macro", macro, "", []]
            continue
        drift_todo.append((idx, line, name))
    # Pass 5: lizard's line drifted off a function. No function, signature or macro is on the
    # line, but a function with a body that no lizard entry claimed has its first token or
    # name within DRIFT lines and the same name (an anonymous one for lizard's "(anonymous)").
    # lizard's TSX reader loses track of lines around JSX this way; such an entry is a real
    # function at the wrong line, not a phantom.
    rest = drift(drift_todo)
    # Pass 6: a function on or around the line that lizard names differently (lizard takes an
    # annotation's or a macro's name: `@SuppressWarnings("x")` above a Java method).
    rest = claim_pass(rest, at_line, anything,
                      lambda f: ["real", "", f"{f.node.type} named {f.name!r}", f.anchors])
    rest = claim_pass(rest, in_header, anything,
                      lambda f: ["real", "header line", f"{f.node.type} named {f.name!r} from "
                                 f"line {f.start + 1}", f.anchors])
    # What is left is a phantom: nothing function-like at lizard's line.
    for idx, line, name in rest:
        row = line - 1
        text = lines[row] if 0 <= row < len(lines) else ""
        col = len(text) - len(text.lstrip())
        node = root.named_descendant_for_point_range((row, col), (row, col))
        out[idx] = ["phantom", "no function on this line", node.type if node else "", []]


def main() -> int:
    req = json.load(sys.stdin)
    lang = req["lang"]
    language = _language(lang)
    parser = ts.Parser(language)
    pattern = " ".join(f"({t}) @f" for t in FUNCS[lang])
    pattern += " " + " ".join(f"({t}) @s" for t in SIGS.get(lang, []))
    query = ts.Query(language, pattern)
    entries = req["entries"]
    out: list = [None] * len(entries)
    by_file: dict[str, list] = defaultdict(list)
    for i, (path, line, name) in enumerate(entries):
        by_file[path].append((i, int(line), name))
    for path, es in by_file.items():
        classify_file(lang, parser, query, path, es, out)
    json.dump({"results": out}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
