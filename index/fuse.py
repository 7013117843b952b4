"""Reciprocal rank fusion of ranked lists (Cormack et al., 2009)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

RRF_K = 60


def reciprocal_rank_fusion(
    rankings: Mapping[str, Sequence[str]],
    weights: Mapping[str, float] | None = None,
    k: int = RRF_K,
) -> list[tuple[str, float]]:
    """Fuse ranked id lists: each id scores Σ weight / (k + rank), rank 1-based.

    Ties are broken by the order in which ids first appear, so the result is deterministic.
    """
    scores: dict[str, float] = {}
    for name, ranking in rankings.items():
        weight = 1.0 if weights is None else weights.get(name, 1.0)
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    order = {item: i for i, item in enumerate(scores)}
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))


def convex_combination(
    scores: Mapping[str, Mapping[str, float]], weights: Mapping[str, float] | None = None
) -> list[tuple[str, float]]:
    """Fuse scored lists: each list's scores min-max normalised over the list, then summed
    with weights (equal by default); an id missing from a list scores 0 there (Bruch et al.,
    "An Analysis of Fusion Functions for Hybrid Retrieval", 2023)."""
    fused: dict[str, float] = {}
    for name, found in scores.items():
        if not found:
            continue
        weight = 1.0 / len(scores) if weights is None else weights.get(name, 0.0)
        low, high = min(found.values()), max(found.values())
        span = high - low
        for item, score in found.items():
            share = (score - low) / span if span > 0 else 1.0
            fused[item] = fused.get(item, 0.0) + weight * share
    order = {item: i for i, item in enumerate(fused)}
    return sorted(fused.items(), key=lambda kv: (-kv[1], order[kv[0]]))
