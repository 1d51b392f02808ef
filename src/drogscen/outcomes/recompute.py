"""One place for asking the indicators to be recomputed (docs/architecture.md#background-tasks):
after an import of events or counts, a geometry change (``outcomes.signals``) or a change
of the crime-code mapping (the admin, the shipped defaults). The work itself runs as the
background task ``outcomes.tasks.recompute_indicators_task``."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import numpy as np

from drogscen.outcomes.indicators import scenes_near
from drogscen.outcomes.tasks import recompute_indicators_task

logger = logging.getLogger(__name__)


def schedule_recompute(
    *, scene_ids: Iterable[int] | None = None, reason: str, with_neighbours: bool = False
) -> None:
    """Queue a recomputation as a background task (the immediate backend in tests runs
    it at once): those scenes (and, ``with_neighbours``, the scenes whose rings they
    reach), or the whole county when ``scene_ids`` is None. The task row is written in
    the caller's transaction, so it exists exactly when the change it follows does."""
    ids = None if scene_ids is None else sorted({int(pk) for pk in scene_ids})
    if ids == []:
        return
    logger.info("indicator recomputation queued (%s): %s", reason, ids or "whole county")
    recompute_indicators_task.enqueue(scene_ids=ids, reason=reason, with_neighbours=with_neighbours)


def schedule_recompute_near(x: np.ndarray, y: np.ndarray, *, reason: str) -> None:
    """Recompute the scenes within 500 m of any of the points (EPSG:3006)."""
    if not len(x):
        return
    scene_ids = scenes_near(np.asarray(x, float), np.asarray(y, float))
    if scene_ids:
        schedule_recompute(scene_ids=scene_ids, reason=reason)
