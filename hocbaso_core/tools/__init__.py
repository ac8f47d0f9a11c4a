"""Pure-Python business rules (no ORM, no database): importable and unit-testable on their own."""

from . import errors, personal_id, student_import, tt27
from .errors import RuleError

__all__ = ["RuleError", "errors", "personal_id", "student_import", "tt27"]
