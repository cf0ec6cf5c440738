"""Services and pure modules do not import from the web layer (crisis/web).

Views may (navigation, template helpers); nothing else. Time formatting lives
in crisis/timefmt.py, labels in crisis/labels.py, the record's Swedish in
crisis/record_sv.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

CRISIS = Path(__file__).resolve().parents[2] / "crisis"
# Allowed until CSV writing has its own home (crisis/csvexport.py, another branch).
KNOWN = {("archive/service.py", "crisis.web.views")}


def _web_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and (node.module == "crisis.web" or node.module.startswith("crisis.web."))
        ):
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("crisis.web")]
    return found


def test_no_module_outside_the_web_layer_and_views_imports_from_it() -> None:
    bad = []
    for path in sorted(CRISIS.rglob("*.py")):
        rel = path.relative_to(CRISIS).as_posix()
        if rel.startswith("web/") or rel.endswith("views.py") or rel == "__init__.py":
            continue
        bad += [f"{rel}: {m}" for m in _web_imports(path) if (rel, m) not in KNOWN]
    assert not bad, bad
