"""The after-action figures: linking responses to injects and the response times (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crisis.exercises.evaluation import (
    BY_POSITION,
    BY_REFERENCE,
    BY_TASK,
    EntryRecord,
    Holding,
    InjectRecord,
    TaskRecord,
    evaluate,
    format_duration,
    link_responses,
    summarize,
)

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def entry(
    number: int,
    seconds: float,
    *,
    author: int | None = 7,
    position: str | None = None,
    kind: str = "info",
    text: str = "",
) -> EntryRecord:
    return EntryRecord(
        number=number, recorded_at=at(seconds), kind=kind, author_id=author, position=position, text=text
    )


INJECT = InjectRecord("elnat-larm", "samverkan", log_number=10, delivered_at=at(0))


def test_first_entry_by_the_target_position_is_the_response() -> None:
    entries = [
        entry(11, 30, position="analys"),
        entry(12, 95, position="samverkan"),
        entry(13, 200, position="samverkan"),
    ]
    result = link_responses(INJECT, entries, [])
    assert result.delivered
    assert [r.ref for r in result.responses] == [12, 13]
    assert result.first.how == BY_POSITION
    assert result.response_seconds == 95


def test_holding_the_position_at_the_time_counts_even_if_the_entry_names_another() -> None:
    holdings = [Holding(user_id=7, position="samverkan", since=at(-60), until=at(100))]
    entries = [entry(11, 50, position="stabschef"), entry(12, 150, position="stabschef")]
    result = link_responses(INJECT, entries, [], holdings)
    # at 50 s user 7 held samverkan; at 150 s no longer
    assert [r.ref for r in result.responses] == [11]


def test_reference_by_number_links_an_entry_by_anyone() -> None:
    entries = [
        entry(11, 40, author=9, position="kommunikation", text="Svar på #10: vi ringer tillbaka."),
        entry(12, 41, author=9, text="Se #100 och #1"),  # neither is #10
        entry(13, 42, author=9, text="angående ##10"),
    ]
    result = link_responses(INJECT, entries, [])
    assert [(r.ref, r.how) for r in result.responses] == [(11, BY_REFERENCE)]


def test_task_made_from_the_inject_entry_is_a_response() -> None:
    tasks = [
        TaskRecord(id=3, created_at=at(20), origin_log_number=10, title="Ring Elnätsbolaget"),
        TaskRecord(id=4, created_at=at(5), origin_log_number=9),
    ]
    result = link_responses(INJECT, [entry(11, 60, position="samverkan")], tasks)
    assert [(r.kind, r.ref, r.how) for r in result.responses] == [("task", 3, BY_TASK), ("log", 11, BY_POSITION)]
    assert result.response_seconds == 20


def test_system_entries_other_injects_earlier_entries_and_authorless_entries_never_count() -> None:
    entries = [
        entry(9, -10, position="samverkan"),  # before the inject
        entry(11, 10, position="samverkan", kind="system"),
        entry(12, 20, author=None, position="samverkan"),  # written by Krisrum
        entry(13, 30, author=None, text="#10"),  # another inject, say
        entry(14, 40, position="samverkan"),
    ]
    result = link_responses(INJECT, entries, [], inject_numbers={13})
    assert [r.ref for r in result.responses] == [14]


def test_undelivered_inject_has_no_responses() -> None:
    result = link_responses(InjectRecord("later", "va"), [entry(11, 10, position="va")], [])
    assert not result.delivered and result.response_seconds is None and result.responses == ()


def test_evaluate_excludes_every_inject_entry_and_summarize_gives_the_figures() -> None:
    injects = [
        InjectRecord("a", "samverkan", 10, at(0)),
        InjectRecord("b", "va", 12, at(60)),
        InjectRecord("c", "kommunikation", 15, at(120)),
        InjectRecord("d", "stabschef"),  # not delivered
    ]
    entries = [
        entry(11, 30, position="samverkan"),  # a: 30 s
        entry(12, 60, author=None),  # inject b
        entry(13, 180, position="va"),  # b: 120 s
        entry(15, 120, author=None),  # inject c, never answered
    ]
    result = evaluate(injects, entries, [])
    assert [r.response_seconds for r in result] == [30, 120, None, None]
    s = summarize(result)
    assert (s.injects, s.delivered, s.answered, s.unanswered) == (4, 3, 2, 1)
    assert s.median_seconds == 75 and s.mean_seconds == 75 and s.max_seconds == 120
    assert s.answered_share == round(2 / 3, 3)


def test_summary_without_answers() -> None:
    s = summarize(evaluate([InjectRecord("a", "va", 1, at(0))], [], []))
    assert s.answered == 0 and s.median_seconds is None and s.answered_share == 0


def test_response_time_is_never_negative() -> None:
    # a task created in the same instant (clock granularity) as the delivery
    result = link_responses(INJECT, [], [TaskRecord(1, at(-0.001), 10)])
    assert result.response_seconds == 0


def test_format_duration() -> None:
    assert format_duration(None) == "–"
    assert format_duration(42.4) == "42 s"
    assert format_duration(245) == "4 min 05 s"
    assert format_duration(3720) == "1 h 02 min"
