"""The pure Swedish helpers: sort order (crisis.collation) and search words (crisis.search.text)."""

from __future__ import annotations

from markupsafe import Markup

from crisis.collation import sv_key, sv_sorted
from crisis.search import text


def test_swedish_order_a_to_z_then_a_ring_a_umlaut_o_umlaut() -> None:
    names = ["Örby", "ärla", "Åsarna", "Zeta", "alfa", "Öxabäck", "Älekulla", "Kinna", "åby", "Ödsmål", "Bollebygd"]
    assert sorted(names, key=sv_key) == [
        "alfa",
        "Bollebygd",
        "Kinna",
        "Zeta",
        "åby",
        "Åsarna",
        "Älekulla",
        "ärla",
        "Ödsmål",
        "Örby",
        "Öxabäck",
    ]
    # Plain code-point order gets it wrong (Ä before Å, lower case after Ö): the key matters.
    assert sorted(["Åsa", "Ära", "Öra", "ala"]) != sorted(["Åsa", "Ära", "Öra", "ala"], key=sv_key)


def test_sv_sorted_and_foreign_letters() -> None:
    class Row:
        def __init__(self, name: str) -> None:
            self.name = name

    rows = sv_sorted([Row("Øster"), Row("Émile"), Row("Ärla"), Row("Eva"), Row("Ola")], key=lambda r: r.name)
    assert [r.name for r in rows] == ["Émile", "Eva", "Ola", "Ärla", "Øster"]


def test_word_forms_share_a_stem() -> None:
    assert text.stem("elavbrott") == text.stem("elavbrottet") == text.stem("elavbrotten")
    assert text.stem("vattenverk") == text.stem("vattenverket") == text.stem("vattenverken")
    assert text.stem("beslut") == text.stem("beslutet")
    assert text.stem("örby") != text.stem("orby")


def test_terms_lower_case_swedish_letters() -> None:
    assert text.terms("ÖRBY Älekulla ÅSARNA") == text.terms("örby älekulla åsarna")


def test_query_syntax_never_reaches_the_database() -> None:
    q = text.parse("\"NEAR(örby* OR -fritsla) '; drop^ table:x")
    for s in q.stems:
        assert s.isalnum()
    assert '"' not in q.fts5().replace('"' + '" AND "'.join(q.stems) + '"', "").replace("*", "")
    assert text.parse("*()\"'").empty
    assert text.parse("örby ").prefix_last is False
    assert text.parse("örb").fts5() == '"örb"*'
    assert text.parse("örb").tsquery() == "'örb':*"


def test_long_query_is_cut() -> None:
    q = text.parse("ord " * 1000)
    assert q.truncated and len(q.stems) <= text.MAX_TERMS
    q = text.parse(" ".join(f"w{i}" for i in range(50)))
    assert q.truncated and len(q.stems) == text.MAX_TERMS


def test_highlight_escapes_first_then_marks() -> None:
    out = text.highlight("<mark>Örby</mark> & <script>", text.parse("örby "))
    assert isinstance(out, Markup)
    assert str(
        out
    ) == "&lt;<mark>mark</mark>&gt;<mark>Örby</mark>&lt;/<mark>mark</mark>&gt; &amp; &lt;script&gt;".replace(
        "<mark>mark</mark>", "mark"
    )


def test_highlight_excerpt_around_the_first_hit() -> None:
    long = "inledning " * 100 + "strömavbrott i Örby " + "slut " * 100
    out = str(text.highlight(long, text.parse("örby"), limit=120))
    assert "<mark>Örby</mark>" in out and out.startswith("…") and out.endswith("…")
    assert len(out) < 200
