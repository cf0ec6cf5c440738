"""The house rules of crisis/, checked on the source (ast; no app, no database, fast).

1. Only crisis/realtime emits on Socket.IO: everything else goes through the
   events / after-commit queue, so nothing is broadcast before it is committed.
2. Views do not write to the database: every write goes through a service
   (which owns the transaction, the log and the events).
3. Only the web layer (crisis/web, views, forms, the app assembly) imports from
   crisis.web: services do not format for pages.
4. No module uses another domain's private (_name) functions: a domain's
   public functions are its contract.

ALLOWED lists today's known exceptions, each with the reason; the test also
fails when an entry is no longer needed, so the list only shrinks.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "crisis"

SESSION_WRITES = {
    "add",
    "add_all",
    "delete",
    "commit",
    "flush",
    "merge",
    "bulk_save_objects",
    "bulk_insert_mappings",
    "bulk_update_mappings",
}
DML = {"insert", "update", "delete"}
SOCKET_SENDS = {"emit", "send"}


@dataclass(frozen=True, order=True)
class Violation:
    path: str  # relative to the repository root
    rule: str  # "emit" | "view-writes" | "web-import" | "private"
    detail: str

    def __str__(self) -> str:
        return f"{self.path}: [{self.rule}] {self.detail}"


# Known exceptions, (path, rule, detail). Each must name who removes it.
# The lead empties this list as the parallel work merges: a fixed entry makes
# the test fail ("no longer needed") until it is deleted here.
ALLOWED: set[tuple[str, str, str]] = set()


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "translations" not in p.parts)


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _is_web_layer(rel: str) -> bool:
    """Pages and their helpers, the domains' views and forms, and the app assembly."""
    name = rel.rsplit("/", 1)[-1]
    return (
        rel.startswith("crisis/web/")
        or name in ("views.py", "forms.py")
        or rel in ("crisis/__init__.py", "crisis/domains.py")
    )


def _dotted(node: ast.AST) -> str:
    """`a.b.c` for a Name/Attribute chain (else "")."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def _imported_modules(nodes: list[ast.AST], rel: str) -> list[tuple[str, int]]:
    """Every module an import statement names (anywhere, also inside functions)."""
    package = rel[:-3].replace("/", ".").removesuffix(".__init__")
    if not rel.endswith("__init__.py"):
        package = package.rsplit(".", 1)[0]
    found = []
    for node in nodes:
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found += [(f"{base}.{a.name}", node.lineno) for a in node.names]
    return found


def _socketio_names(nodes: list[ast.AST]) -> tuple[set[str], set[str], set[str]]:
    """Local names of: the SocketIO object, flask_socketio's emit/send, and modules holding them."""
    objects, functions, modules = set(), set(), set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module == "crisis.extensions":
            objects |= {a.asname or a.name for a in node.names if a.name == "socketio"}
        elif isinstance(node, ast.ImportFrom) and node.module == "crisis":
            modules |= {a.asname or a.name for a in node.names if a.name == "extensions"}
        elif isinstance(node, ast.ImportFrom) and node.module == "flask_socketio":
            functions |= {a.asname or a.name for a in node.names if a.name in SOCKET_SENDS}
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name in ("flask_socketio", "crisis.extensions"):
                    modules.add(a.asname or a.name)
    return objects, functions, modules


def _emits(nodes: list[ast.AST]) -> list[str]:
    objects, functions, modules = _socketio_names(nodes)
    hits = []
    for node in nodes:
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        if not name:
            continue
        head, _, last = name.rpartition(".")
        if name in functions:
            hits.append(f"line {node.lineno}: {name}() of flask_socketio")
        elif last in SOCKET_SENDS and (
            head in objects or head in {f"{m}.socketio" for m in modules} or head in modules
        ):
            hits.append(f"line {node.lineno}: {name}()")
    return hits


def _is_dml(node: ast.AST) -> bool:
    """An insert()/update()/delete() statement, or text() of INSERT/UPDATE/DELETE."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Call):
        node = node.func.value  # sa.update(X).where(...).values(...) -> sa.update(X)
    if not isinstance(node, ast.Call):
        return False
    last = _dotted(node.func).rpartition(".")[2]
    if last in DML:
        return True
    if last == "text" and node.args and isinstance(node.args[0], ast.Constant):
        words = str(node.args[0].value).split(None, 1)
        return bool(words) and words[0].lower() in DML
    return False


def _view_writes(nodes: list[ast.AST]) -> list[str]:
    hits = []
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            for a in node.names:
                if a.name == "write_transaction":
                    hits.append(f"line {node.lineno}: imports write_transaction")
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func)
        head, _, last = name.rpartition(".")
        if last == "write_transaction":
            hits.append(f"line {node.lineno}: {name}()")
        elif head.endswith("session") and last in SESSION_WRITES:
            hits.append(f"line {node.lineno}: {name}()")
        elif head.endswith("session") and last == "execute" and node.args and _is_dml(node.args[0]):
            hits.append(f"line {node.lineno}: {name}(<insert/update/delete>)")
    return hits


def _domain(module: str) -> str:
    """crisis.sites.service -> crisis.sites; crisis.db -> crisis.db."""
    return ".".join(module.split(".")[:2])


def _private_reaches(nodes: list[ast.AST], rel: str) -> list[tuple[str, str]]:
    """(target module, line) for each use of another domain's private (_name) function or constant."""
    own = _domain(rel[:-3].replace("/", "."))
    aliases: dict[str, str] = {}  # local name -> crisis module
    hits = []
    for module, line in _imported_modules(nodes, rel):
        parent, _, name = module.rpartition(".")
        if (
            module.startswith("crisis.")
            and name.startswith("_")
            and not name.startswith("__")
            and _domain(parent) != own
        ):
            hits.append((parent, f"line {line}: imports {module}"))
    for node in nodes:
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("crisis."):
                    aliases[a.asname or a.name] = a.name
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("crisis"):
            for a in node.names:
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    for node in nodes:
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            target = aliases.get(_dotted(node.value), "")
            if target.startswith("crisis.") and _domain(target) != own:
                hits.append((target, f"line {node.lineno}: uses {target}.{node.attr}"))
    return hits


def find_violations(paths: list[Path] | None = None) -> list[tuple[Violation, str]]:
    """(violation, where) for every module; `where` gives the line(s) for the message."""
    out = []
    for path in paths if paths is not None else _modules():
        rel = _rel(path)
        nodes = list(ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=rel)))
        if not rel.startswith("crisis/realtime/"):
            for hit in _emits(nodes):
                out.append((Violation(rel, "emit", "Socket.IO emit"), hit))
        if rel.endswith("/views.py"):
            for hit in _view_writes(nodes):
                out.append((Violation(rel, "view-writes", "database write"), hit))
        if not _is_web_layer(rel):
            for module, line in _imported_modules(nodes, rel):
                if module == "crisis.web" or module.startswith("crisis.web."):
                    top = ".".join(module.split(".")[:3])
                    out.append((Violation(rel, "web-import", top), f"line {line}: imports {top}"))
        for target, where in _private_reaches(nodes, rel):
            out.append((Violation(rel, "private", target), where))
    return sorted(set(out))


def test_the_rules_hold_except_for_the_listed_exceptions() -> None:
    found = find_violations()
    unexpected = sorted({f"{v}  ({where})" for v, where in found if (v.path, v.rule, v.detail) not in ALLOWED})
    assert not unexpected, "House rules broken (see this module's docstring):\n" + "\n".join(unexpected)


def test_every_listed_exception_is_still_needed() -> None:
    present = {(v.path, v.rule, v.detail) for v, _ in find_violations()}
    stale = sorted(ALLOWED - present)
    assert not stale, "Fixed; delete from ALLOWED in tests/unit/test_architecture.py:\n" + "\n".join(map(str, stale))


# --- the checker itself: each rule catches what it is meant to, and only that ---------------------


@pytest.mark.parametrize(
    "rel, source, rule",
    [
        ("crisis/log/service.py", "from crisis.extensions import socketio\nsocketio.emit('event', {})\n", "emit"),
        ("crisis/log/service.py", "from crisis import extensions as ext\next.socketio.emit('x', 1, to='r')\n", "emit"),
        ("crisis/tasks/views.py", "from flask_socketio import emit\ndef f():\n    emit('x')\n", "emit"),
        (
            "crisis/tasks/views.py",
            "from crisis.extensions import db\ndef f(t):\n    db.session.add(t)\n",
            "view-writes",
        ),
        ("crisis/tasks/views.py", "def f(db):\n    db.session.commit()\n", "view-writes"),
        (
            "crisis/tasks/views.py",
            "def f(db, sa, T):\n    db.session.execute(sa.update(T).values(a=1))\n",
            "view-writes",
        ),
        ("crisis/tasks/views.py", "def f(db, sa):\n    db.session.execute(sa.text(' DELETE FROM t'))\n", "view-writes"),
        ("crisis/tasks/views.py", "from crisis.db import write_transaction\n", "view-writes"),
        ("crisis/tasks/service.py", "def f():\n    from crisis.web.template_helpers import fmt_time\n", "web-import"),
        ("crisis/tasks/service.py", "from crisis.web import labels\n", "web-import"),
        ("crisis/tasks/service.py", "from ..web import views\n", "web-import"),
        (
            "crisis/archive/service.py",
            "from crisis.sites import service as s\ndef f():\n    s._row_dict(1)\n",
            "private",
        ),
        ("crisis/playbooks/jobs.py", "def f():\n    from crisis.inbox.service import _helper\n", "private"),
    ],
)
def test_the_checker_catches(tmp_path: Path, rel: str, source: str, rule: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _fake(tmp_path, rel, source, monkeypatch)
    assert [v.rule for v, _ in find_violations([path])] == [rule]


@pytest.mark.parametrize(
    "rel, source",
    [
        ("crisis/realtime/bus.py", "from crisis.extensions import socketio\nsocketio.emit('event', {})\n"),
        ("crisis/tasks/service.py", "from crisis.extensions import db\ndef f(t):\n    db.session.add(t)\n"),
        (
            "crisis/tasks/views.py",
            "import sqlalchemy as sa\ndef f(db, T):\n    return db.session.execute(sa.select(T))\n",
        ),
        ("crisis/tasks/views.py", "from crisis.web.template_helpers import TZ\n"),
        ("crisis/tasks/views.py", "def f(rows):\n    rows.add(1)\n    rows.update({})\n"),
        ("crisis/web/views.py", "from crisis.web import labels\n"),
        ("crisis/sites/views.py", "from crisis.sites import service\ndef f():\n    service._row_dict(1)\n"),
        ("crisis/sites/views.py", "from crisis.sites.service import _row_dict\nx = object().__class__\n"),
    ],
)
def test_the_checker_allows(tmp_path: Path, rel: str, source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _fake(tmp_path, rel, source, monkeypatch)
    assert find_violations([path]) == []


def _fake(tmp_path: Path, rel: str, source: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source, encoding="utf-8")
    return path
