"""A fingerprint of the workflow code as Python sees it: comments and formatting don't change it, code does.

Each folder of recorded histories keeps the fingerprint of the code that recorded it; a workflow change
without a new folder fails `test_workflow_changes_come_with_new_histories`.
"""

import ast
import hashlib
from pathlib import Path

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"


def _without_docstrings(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                node.body = body[1:] or [ast.Pass()]  # type: ignore[attr-defined]
    return tree


def workflow_fingerprint(folder: Path = WORKFLOWS) -> str:
    digest = hashlib.sha256()
    # Every module below workflows/: the phases live in packages of their own.
    for path in sorted(folder.rglob("*.py")):
        name = path.relative_to(folder).as_posix()
        tree = _without_docstrings(ast.parse(path.read_text(), filename=name))
        digest.update(name.encode() + b"\0" + ast.dump(tree).encode() + b"\0")
    return digest.hexdigest()[:16]
