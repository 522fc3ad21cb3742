"""Follow-ups are searched twice (standalone rewrite, literal conversation) and the rankings fused."""

from __future__ import annotations

from assistant.retrieval import SearchResult, fuse
from assistant.routing import Route
from assistant.schema import Chunk, Hit


def _hit(cid: str, scenario: str | None = None) -> Hit:
    return Hit(Chunk(cid, cid, ("Bijlage A",), scenario, "scenario_text", None, f"tekst {cid}", 0, 9), 1.0)


NO_ROUTE = Route((), False)


def _result(ids: list[str], route: Route = NO_ROUTE, best: float = 0.5) -> SearchResult:
    return SearchResult("q", route, tuple(_hit(i, i[0].upper() if i[0] in "abcd" else None) for i in ids), best)


def test_a_passage_both_searches_rank_high_comes_first() -> None:
    rewrite = _result(["x1", "shared", "x2", "x3"], best=0.4)
    literal = _result(["y1", "shared", "y2"], best=0.6)
    fused = fuse([rewrite, literal], k=3)
    assert fused.hits[0].chunk.id == "shared"
    assert len(fused.hits) == 3
    # What each search found best survives the fusion; the relevance floor is the best of both searches.
    assert {"x1", "y1"} <= {h.chunk.id for h in fused.hits}
    assert fused.best_dense == 0.6


def test_the_route_of_the_rewrite_decides_and_comparisons_keep_every_scenario() -> None:
    route = Route(("A", "C"), True)
    rewrite = _result(["a1", "a2", "a3", "c1"], route)
    literal = _result(["a2", "a1", "a4"])
    fused = fuse([rewrite, literal], k=3)
    assert fused.route == route
    assert {h.chunk.scenario for h in fused.hits} == {"A", "C"}


def test_one_search_is_returned_unchanged() -> None:
    only = _result(["x1", "x2"])
    assert fuse([only], k=1) is only
