"""The import pipeline: every file import (scenes, mappings, interventions, crime events,
counts, survey results) is read, checked, compared, written and audited the same way
(docs/architecture.md#import-pipeline).

The rule (docs/contracts.md#import-rules): a file with any invalid row writes nothing and
the command exits 2 listing the first 50 problems; `--dry-run` validates only;
re-importing the same file changes nothing.

The names below are the pipeline's public face; the modules hold them by concern:
`files` (the file as a whole), `readers` (one per format), `values` (one cell),
`problems` (what is wrong, and the result), `pipeline` (`ImportSpec`, `run_import`),
`command` (the command base), `uploads` (the web upload as a background task).
"""

from drogscen.core.imports.command import (
    PROGRESS_THRESHOLD,
    ImportCommand,
    TerminalProgress,
    command_rejection,
    command_summary,
    command_user,
)
from drogscen.core.imports.files import (
    MAX_IMPORT_BYTES,
    SNIFF_BYTES,
    FileType,
    describe_file_type,
    file_checked,
    sha256,
    sniff_file_type,
)
from drogscen.core.imports.pipeline import (
    ImportFile,
    ImportSpec,
    Plan,
    Progress,
    ProgressCallback,
    entry_point,
    run_import,
    spec_for,
)
from drogscen.core.imports.problems import (
    MAX_REPORTED_PROBLEMS,
    ImportProblem,
    ImportRejected,
    ImportResult,
    RowChecker,
    feature_label,
    line_label,
    row_label,
)
from drogscen.core.imports.values import (
    FieldInvalid,
    date_value,
    is_blank,
    name_from_list,
    shown,
    text_value,
)

__all__ = [
    "MAX_IMPORT_BYTES",
    "MAX_REPORTED_PROBLEMS",
    "PROGRESS_THRESHOLD",
    "SNIFF_BYTES",
    "FieldInvalid",
    "FileType",
    "ImportCommand",
    "ImportFile",
    "ImportProblem",
    "ImportRejected",
    "ImportResult",
    "ImportSpec",
    "Plan",
    "Progress",
    "ProgressCallback",
    "RowChecker",
    "TerminalProgress",
    "command_rejection",
    "command_summary",
    "command_user",
    "date_value",
    "describe_file_type",
    "entry_point",
    "feature_label",
    "file_checked",
    "is_blank",
    "line_label",
    "name_from_list",
    "row_label",
    "run_import",
    "sha256",
    "shown",
    "sniff_file_type",
    "spec_for",
    "text_value",
]
