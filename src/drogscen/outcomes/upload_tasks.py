"""The background task that runs an event upload from the web page (``EventImport``):
the same service as ``drogscen import_events``, with its progress and result stored on
the upload for the status page."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from drogscen.audit.context import acting
from drogscen.core.imports import ImportRejected
from drogscen.outcomes.importing import events_import
from drogscen.outcomes.models import EventImport

logger = logging.getLogger(__name__)


@task
def event_import_run(event_import_id: int) -> str:
    """Run the upload; returns its final status."""
    return run_event_import(event_import_id)


def run_event_import(event_import_id: int) -> str:
    upload = EventImport.objects.select_related("created_by").get(pk=event_import_id)
    rows = EventImport.objects.filter(pk=upload.pk)
    rows.update(status=EventImport.Status.RUNNING)

    def report(done: int, total: int) -> None:
        rows.update(rows_done=done, rows_total=total)

    status, result = EventImport.Status.FAILED, {}
    try:
        with _local_copy(upload) as path, acting(upload.created_by, via="task"):
            outcome = events_import(
                path=path,
                source=upload.source,
                crs=upload.crs,
                skip_invalid=upload.skip_invalid,
                label=upload.original_name,
                on_progress=report,
            )
        status, result = EventImport.Status.DONE, outcome.as_dict()
        rows.update(rows_done=outcome.read, rows_total=outcome.read)
    except ImportRejected as exc:
        result = {"problems": exc.lines(), "total": exc.total}
    except Exception:  # the page must say it failed rather than spin for ever
        logger.exception("event import %s failed", upload.pk)
        result = {
            "problems": [
                _("The import stopped because of an error in the system; nothing was imported.")
            ],
            "total": 1,
        }
    rows.update(status=status, result=result, finished_at=timezone.now())
    return status


class _local_copy:
    """The uploaded file as a local path (a copy when the storage has no paths)."""

    def __init__(self, upload: EventImport) -> None:
        self.upload = upload
        self.tmp: Path | None = None

    def __enter__(self) -> Path:
        try:
            return Path(self.upload.file.path)
        except NotImplementedError:
            handle, name = tempfile.mkstemp(suffix=Path(self.upload.original_name).suffix)
            with open(handle, "wb") as out, self.upload.file.open("rb") as src:
                shutil.copyfileobj(src, out)
            self.tmp = Path(name)
            return self.tmp

    def __exit__(self, *exc) -> None:
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)
