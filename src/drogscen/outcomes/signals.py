"""Indicators follow the scene geometry: a new or changed geometry version queues a
recomputation of that scene and the scenes whose rings it reaches, once per
transaction and only after it commits (a rolled-back edit queues nothing)."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from drogscen.outcomes import recompute
from drogscen.scenes.models import SceneGeometryVersion

_PENDING = "_drogscen_pending_indicator_scenes"


def _flush(connection) -> None:
    pending = getattr(connection, _PENDING, None)
    if not pending:
        return
    setattr(connection, _PENDING, set())
    recompute.schedule_recompute(scene_ids=sorted(pending), reason="geometry", with_neighbours=True)


@receiver(post_save, sender=SceneGeometryVersion, dispatch_uid="outcomes-geometry-version")
def geometry_version_saved(sender, instance: SceneGeometryVersion, raw=False, **kwargs) -> None:
    if raw:  # loaddata
        return
    connection = transaction.get_connection()
    pending = getattr(connection, _PENDING, None)
    if pending is None:
        pending = set()
        setattr(connection, _PENDING, pending)
    pending.add(instance.scene_id)
    # One callback per save; the first to run takes the whole set, the rest find it empty.
    transaction.on_commit(partial(_flush, connection))
