"""Questionnaire versions over HTTP: `/api/v1/questionnaires/` (read-only)."""
