"""The plan model: what a plan's data means, below everything that checks, renders or reports it.

Tasks and progress, completeness, the lifecycle and its gates, the schedule, labels and versions are
worked out here once, from the plan's data and the schema, for check, render, portfolio, export,
history and diff alike. The model imports the schema and nothing above it; it reads no file and runs
no git: git's facts come to it as data (`GitFacts`).
"""

from __future__ import annotations

from planbook.model.completeness import completeness_of, content_values, is_empty, share_filled
from planbook.model.labels import integration_label, status_label, status_labels, type_labels
from planbook.model.lifecycle import gate_checklists, lifecycle_index, previous_status
from planbook.model.schedule import ScheduledPhase, duration_days, phase_schedule
from planbook.model.tasks import (
    OpenTask,
    OwnTask,
    applicable_tasks,
    open_tasks,
    overall_progress,
    own_tasks,
    progress_of,
    task_label,
    task_lists,
    value_at,
)
from planbook.model.versions import GitFacts, date_label, is_committed_version, version_label

__all__ = [
    "status_labels",
    "type_labels",
    "GitFacts",
    "OpenTask",
    "OwnTask",
    "ScheduledPhase",
    "applicable_tasks",
    "completeness_of",
    "content_values",
    "date_label",
    "duration_days",
    "gate_checklists",
    "integration_label",
    "is_committed_version",
    "is_empty",
    "lifecycle_index",
    "open_tasks",
    "overall_progress",
    "own_tasks",
    "phase_schedule",
    "previous_status",
    "progress_of",
    "share_filled",
    "status_label",
    "task_label",
    "task_lists",
    "value_at",
    "version_label",
]
