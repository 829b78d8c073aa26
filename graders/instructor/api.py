"""The public API of an exercise module, read with `ast` (the module is never imported or run).

A module's API is its top-level public functions and classes (with their public methods and
`__init__`): for each, its name, whether it is a coroutine function and its parameters (names,
kinds and defaults; annotations are ignored, they are documentation).
"""

from __future__ import annotations

import ast

Api = dict[str, str]  # public name ("greet", "Kitchen.boil") -> "async def greet(name, delay)"


def _params(args: ast.arguments) -> list[str]:
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += args.defaults
    shown = [_param(arg.arg, default) for arg, default in zip(positional, defaults, strict=True)]
    if args.posonlyargs:
        shown.insert(len(args.posonlyargs), "/")
    if args.vararg:
        shown.append(f"*{args.vararg.arg}")
    elif args.kwonlyargs:
        shown.append("*")
    shown += [_param(arg.arg, default) for arg, default in zip(args.kwonlyargs, args.kw_defaults,
                                                                strict=True)]
    if args.kwarg:
        shown.append(f"**{args.kwarg.arg}")
    return shown


def _param(name: str, default: ast.expr | None) -> str:
    return name if default is None else f"{name}={ast.unparse(default)}"


def _function(node: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> str:
    kind = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    return f"{kind} {name}({', '.join(_params(node.args))})"


def _is_public(name: str) -> bool:
    return not name.startswith("_") or name == "__init__"


def api_of_source(source: str, filename: str = "<module>") -> Api:
    """The public API of a module's source; SyntaxError if it does not parse."""
    return api_of_tree(ast.parse(source, filename))


def api_of_tree(tree: ast.Module) -> Api:
    api: Api = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _is_public(node.name):
            api[node.name] = _function(node, node.name)
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            api[node.name] = f"class {node.name}"
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and _is_public(item.name):
                    qualified = f"{node.name}.{item.name}"
                    api[qualified] = _function(item, qualified)
    return api


def differences(stub: Api, reference: Api) -> list[str]:
    """What differs between the stub's API and the reference's, one sentence each."""
    found = [f"the reference lacks `{stub[name]}`" for name in stub if name not in reference]
    found += [f"the stub lacks `{reference[name]}`" for name in reference if name not in stub]
    found += [f"the stub has `{stub[name]}` but the reference has `{reference[name]}`"
              for name in stub if name in reference and stub[name] != reference[name]]
    return found
