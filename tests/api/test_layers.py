"""The API stands apart from the workers' code: what the pages share with the e-mails lives in
orderflow/ (orderflow/wording), so no module under api/ imports activities or workflows."""

import ast
from pathlib import Path

API = Path(__file__).resolve().parents[2] / "api"
WORKER_SIDE = ("activities", "workflows", "workers")


def imported_modules(source: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(source.read_text(), filename=str(source))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def test_the_api_imports_nothing_of_the_workers_side():
    crossings = {
        f"{source.relative_to(API.parent)}: {module}"
        for source in API.rglob("*.py")
        for module in imported_modules(source)
        if module.split(".")[0] in WORKER_SIDE
    }

    assert sorted(crossings) == []


def test_the_check_sees_imports_in_every_form(tmp_path):
    source = tmp_path / "example.py"
    source.write_text(
        "import activities.messaging\nfrom activities.messaging import localtime\n\n\ndef f():\n    import workers\n"
    )

    assert imported_modules(source) == {"activities.messaging", "workers"}
