"""The web upload of every import kind (docs/architecture.md#import-pipeline): the file is
stored, a background task runs it through `run_import` as the user who uploaded it, and
the status page follows its progress. Who may upload a kind is the kind's
`ImportSpec.may_import`; an upload is seen by the user who made it and by the
county-wide organisations (the access rule below)."""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from drogscen.core import registry
from drogscen.core.imports.pipeline import ImportSpec, spec_for
from drogscen.core.imports.problems import ImportRejected
from drogscen.core.models import FileImport

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 0.02  # store the progress at most every 2 % of the rows


def importable_kinds(user) -> list[str]:
    """The registered kinds this user may upload, in registration order."""
    return [kind for kind in registry.import_kinds() if spec_class(kind).may_import(user)]


def spec_class(kind: str) -> type[ImportSpec]:
    try:
        return registry.import_spec_class(kind)
    except KeyError:
        raise Http404 from None


def require_importer(user, kind: str) -> type[ImportSpec]:
    """The kind's spec class when the user may upload it; 404 otherwise (unknown kind
    or none of the user's business)."""
    cls = spec_class(kind)
    if not cls.may_import(user):
        raise Http404
    return cls


def upload_create(*, kind: str, uploaded, options: dict[str, Any], dry_run: bool, by) -> FileImport:
    """Store the uploaded file and queue its import once the upload is committed."""
    require_importer(by, kind)
    upload = FileImport(
        kind=kind,
        original_name=Path(uploaded.name).name[:255],
        options=options,
        dry_run=dry_run,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        created_by=by,
    )
    upload.file.save(Path(uploaded.name).name, uploaded, save=False)
    upload.save()
    transaction.on_commit(lambda: file_import_run.enqueue(upload.pk))
    return upload


@task
def file_import_run(file_import_id: int) -> str:
    """Run the upload; returns its final status."""
    return run_file_import(file_import_id)


def run_file_import(file_import_id: int) -> str:
    upload = FileImport.objects.select_related("created_by").get(pk=file_import_id)
    rows = FileImport.objects.filter(pk=upload.pk)
    rows.update(status=FileImport.Status.RUNNING)
    last = {"stored": -1}

    def report(done: int, total: int) -> None:
        if done in {0, total} or done - last["stored"] >= max(1, int(total * PROGRESS_EVERY)):
            last["stored"] = done
            rows.update(rows_done=done, rows_total=total)

    status, result = FileImport.Status.FAILED, {}
    try:
        spec = spec_for(upload.kind, **upload.options)
        with (
            _local_copy(upload) as path,
            registry.acting(upload.created_by, via="task"),
            translation.override(upload.language),
        ):
            outcome = spec.run(
                path=path,
                by=upload.created_by,
                dry_run=upload.dry_run,
                on_progress=report,
                label=upload.original_name,
            )
        status, result = FileImport.Status.DONE, outcome.as_dict()
        rows.update(rows_done=outcome.read, rows_total=outcome.read)
    except ImportRejected as exc:
        result = {"problems": exc.lines(), "total": exc.total}
    except Exception:  # the page must say it failed rather than spin for ever
        logger.exception("file import %s failed", upload.pk)
        with translation.override(upload.language):
            message = _(
                "The import stopped because of an error in the system; nothing was imported."
            )
        result = {"problems": [message], "total": 1}
    rows.update(status=status, result=result, finished_at=timezone.now())
    return status


class _local_copy:
    """The uploaded file as a local path (a copy when the storage has no paths)."""

    def __init__(self, upload: FileImport) -> None:
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
