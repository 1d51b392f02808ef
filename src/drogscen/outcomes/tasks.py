"""Background tasks of the outcomes app (Django's tasks framework: the database-backed
worker in production, the immediate backend in tests)."""

from __future__ import annotations

import logging

from django.tasks import task

from drogscen.outcomes import indicators

logger = logging.getLogger(__name__)


@task
def recompute_indicators_task(
    scene_ids: list[int] | None = None, reason: str = "", with_neighbours: bool = False
) -> int:
    """Recompute the indicators of these scenes (with the scenes whose rings they reach
    when ``with_neighbours``), or of the whole county when ``scene_ids`` is None."""
    if scene_ids is None:
        stored = indicators.recompute_all()
    else:
        ids = indicators.scenes_around(scene_ids) if with_neighbours else set(scene_ids)
        stored = indicators.recompute_scenes(ids)
    logger.info("indicators recomputed (%s): %s rows", reason or "-", stored)
    return stored
