"""Every message a user can meet goes through the translation layer, and has an English translation.

Static checks over the source (no app needed):

* every constructor call of `ApiError` or one of its subclasses, and every
  `flash(...)`, passes its message as a gettext call (`_`, `_l`, `gettext`,
  `lazy_gettext`, `ngettext`, `lazy_ngettext`) on string literals, or as a
  variable/attribute that holds one (`e.message` of a caught ApiError, a
  name assigned such a call in the same function);
* every msgid in the code (those calls, `N_` label marks) and in the templates
  (`_('...')`) has a non-empty English msgstr in the English catalog.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CRISIS = ROOT / "crisis"
PO = CRISIS / "translations" / "en" / "LC_MESSAGES" / "messages.po"

GETTEXT = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "_ln", "_n"}
KEYWORDS = {
    "_": None,
    "_l": None,
    "gettext": None,
    "lazy_gettext": None,
    "N_": None,
    "ngettext": (1, 2),
    "lazy_ngettext": (1, 2),
    "_ln": (1, 2),
    "_n": (1, 2),
}
METHOD_MAP = [("crisis/**.py", "python"), ("templates/**.html", "jinja2")]


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _modules() -> dict[Path, ast.Module]:
    return {p: ast.parse(p.read_text(encoding="utf-8"), str(p)) for p in sorted(CRISIS.rglob("*.py"))}


def _error_classes(modules: dict[Path, ast.Module]) -> set[str]:
    """ApiError and every class deriving from it (by name, transitively)."""
    bases: dict[str, set[str]] = {}
    for tree in modules.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(b for b in map(_name, node.bases) if b)
    found = {"ApiError"}
    changed = True
    while changed:
        changed = False
        for cls, parents in bases.items():
            if cls not in found and parents & found:
                found.add(cls)
                changed = True
    return found


def _is_gettext_call(node: ast.AST) -> bool:
    if not (isinstance(node, ast.Call) and _name(node.func) in GETTEXT and node.args):
        return False
    literals = node.args[:2] if _name(node.func) in {"ngettext", "lazy_ngettext", "_ln", "_n"} else node.args[:1]
    return all(isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value.strip() for a in literals)


class _Checker(ast.NodeVisitor):
    """Walks one module; `problems` lists call sites whose message is not translated."""

    def __init__(self, path: Path, error_classes: set[str]) -> None:
        self.path = path
        self.error_classes = error_classes
        self.problems: list[str] = []
        self.translated_names: list[set[str]] = [set()]

    def _scoped(self, node: ast.AST) -> None:
        names = {
            t.id
            for n in ast.walk(node)
            if isinstance(n, ast.Assign) and self._ok(n.value, set())
            for t in n.targets
            if isinstance(t, ast.Name)
        }
        self.translated_names.append(names)
        self.generic_visit(node)
        self.translated_names.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = _scoped

    def _ok(self, node: ast.AST, names: set[str]) -> bool:
        if _is_gettext_call(node):
            return True
        if isinstance(node, ast.IfExp):
            return self._ok(node.body, names) and self._ok(node.orelse, names)
        if isinstance(node, ast.Name):
            return node.id in names
        # The message of a caught ApiError (already translated where it was raised).
        if isinstance(node, ast.Attribute) and node.attr == "message":
            return True
        return False

    def visit_Call(self, node: ast.Call) -> None:
        name = _name(node.func)
        if name in self.error_classes or name == "flash":
            message = (
                node.args[0]
                if node.args
                else next((k.value for k in node.keywords if k.arg in ("message", "errors")), None)
            )
            is_rejected_list = name == "SiteFileRejected"  # takes the importer's list of file errors
            if message is not None and not is_rejected_list and not self._ok(message, self.translated_names[-1]):
                self.problems.append(
                    f"{self.path.relative_to(ROOT)}:{node.lineno}: {name}({ast.unparse(message)[:80]})"
                )
        self.generic_visit(node)


def test_every_user_facing_message_goes_through_the_translation_layer() -> None:
    modules = _modules()
    error_classes = _error_classes(modules)
    assert {"ApiError", "ValidationError", "NotFound", "Forbidden", "Conflict"} <= error_classes
    problems: list[str] = []
    for path, tree in modules.items():
        checker = _Checker(path, error_classes)
        checker.visit(tree)
        problems += checker.problems
    assert not problems, "messages not wrapped in a gettext call on a Swedish literal:\n" + "\n".join(problems)


def _catalog() -> dict[str, object]:
    with PO.open("rb") as f:
        catalog = read_po(f)
    return {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in catalog if m.id}


def _extracted() -> list[tuple[str, int, str]]:
    out = []
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=METHOD_MAP, keywords=KEYWORDS
    ):
        msgid = message if isinstance(message, str) else message[0]
        if msgid:
            out.append((filename, lineno, msgid))
    return out


def test_every_msgid_has_an_english_translation() -> None:
    catalog = _catalog()
    extracted = _extracted()
    assert any(f.startswith("templates") for f, _n, _m in extracted), "no template strings found"
    missing = []
    for filename, lineno, msgid in extracted:
        translation = catalog.get(msgid)
        ok = all(translation) if isinstance(translation, (tuple, list)) else bool(translation)
        if not ok:
            missing.append(f"{filename}:{lineno}: {msgid!r}")
    assert not missing, "no English msgstr in messages.po for:\n" + "\n".join(sorted(set(missing)))


@pytest.mark.parametrize(
    "source, ok",
    [
        ('raise ValidationError(_l("Texten är tom."))', True),
        ('raise NotFound(_l("Händelse %(id)s finns inte.", id=1))', True),
        ('raise Conflict(_ln("%(num)s sak", "%(num)s saker", n))', True),
        ('raise ValidationError("The text is empty.")', False),
        ('raise ValidationError(f"No incident {incident_id}.")', False),
        ('raise NotFound(_l(f"Händelse {i} finns inte."))', False),
        ('flash("Sparat")', False),
        ('flash(_("Sparat"), "info")', True),
        ('flash(e.message, "error")', True),
    ],
)
def test_the_checker_itself(source: str, ok: bool, tmp_path: Path) -> None:
    path = CRISIS / "snippet.py"
    checker = _Checker(path, {"ApiError", "ValidationError", "NotFound", "Conflict"})
    checker.visit(ast.parse(f"def f():\n    {source}\n"))
    assert (not checker.problems) is ok, checker.problems


# -- The message is rendered in the request's language (needs the app) -----

API = "/api/v1"


def _set_lang(client: object, lang: str) -> None:
    with client.session_transaction() as s:  # type: ignore[attr-defined]
        s["lang"] = lang


def test_api_errors_are_swedish_by_default_and_english_for_an_english_session(login, incident) -> None:
    client = login("staff")
    url = f"{API}/incidents/{incident.id}/log"
    resp = client.post(url, json={"text": "   "})
    assert resp.status_code == 422
    assert resp.get_json()["error"] == {"code": "validation_error", "message": "Texten är tom."}
    resp = client.post(url, json={"text": "x", "kind": "decision"})
    assert "vem som beslutade" in resp.get_json()["error"]["message"]
    missing = client.get(f"{API}/incidents/99999")
    assert missing.get_json()["error"] == {"code": "not_found", "message": "Händelse 99999 finns inte."}
    # pydantic's validation: the top-level message is Swedish, the details stay technical
    resp = client.post(url, json={"text": "x", "kind": 5})
    body = resp.get_json()["error"]
    assert resp.status_code == 422 and body["message"].startswith("Ogiltigt värde i fältet kind")
    assert body["details"][0]["field"] == "kind"

    _set_lang(client, "en")
    resp = client.post(url, json={"text": "   "})
    assert resp.get_json()["error"] == {"code": "validation_error", "message": "The text is empty."}
    resp = client.post(url, json={"text": "x", "kind": "decision"})
    assert "who decided" in resp.get_json()["error"]["message"]
    assert client.get(f"{API}/incidents/99999").get_json()["error"]["message"] == "No incident 99999."
    assert client.get(f"{API}/no-such-thing").get_json()["error"]["message"] == "The page or resource does not exist."


def test_a_page_error_is_rendered_in_the_users_language(login) -> None:
    client = login("staff")
    sv = client.get("/incidents/99999", headers={"Accept": "text/html"})
    assert sv.status_code == 404 and "finns inte" in sv.get_data(as_text=True)
    _set_lang(client, "en")
    en = client.get("/incidents/99999", headers={"Accept": "text/html"})
    assert en.status_code == 404 and "No incident 99999." in en.get_data(as_text=True)


def test_without_a_request_the_message_is_swedish(app, users) -> None:
    from crisis.errors import ValidationError
    from crisis.incidents import service as incidents

    with pytest.raises(ValidationError) as caught:
        incidents.create(actor=users["leader"], title="  ", kind="x", level="staff")
    assert caught.value.message == "Rubriken är tom." == str(caught.value)
