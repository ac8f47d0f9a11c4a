"""Read the pupil list exported from the sector database (CSDL ngành, template "C1-HocSinh").

:func:`parse_workbook` never touches the ORM: it returns the rows as dicts plus a list of per-row
errors; the import wizard decides what to create. Only an unreadable file or a missing header row
raises (:class:`RuleError` with code ``import_file`` / ``import_header``).
"""

import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import NamedTuple

import openpyxl

from odoo.tools.translate import LazyGettext, LazyTranslate

from . import personal_id
from .errors import RuleError

_lt = LazyTranslate(__name__, default_lang="en_US")

__all__ = [
    "COLUMNS",
    "HEADER_SEARCH_ROWS",
    "REQUIRED_FIELDS",
    "STATUS_CODES",
    "ImportResult",
    "RowError",
    "RuleError",
    "parse_workbook",
]

# field key -> header label of the sector export, in export order
COLUMNS = {
    "class_code": "Mã lớp",
    "student_code": "Mã học sinh",
    "name": "Họ tên",
    "birthdate": "Ngày sinh",
    "gender": "Giới tính",
    "status": "Trạng thái HS",
    "status_date": "Ngày nhập trạng thái",
    "ethnicity": "Dân tộc",
    "disability": "Loại khuyết tật",
    "personal_id": "Số định danh cá nhân",
}
REQUIRED_FIELDS = ("class_code", "student_code", "name", "birthdate", "gender")
HEADER_SEARCH_ROWS = 10

# Pupil status label of the sector DB -> code (the DB has 12 values; these are the known ones).
STATUS_CODES = {
    "Đang học": "dang_hoc",
    "Chuyển đến": "chuyen_den",
    "Chuyển đi": "chuyen_di",
    "Thôi học": "thoi_hoc",
    "Nghỉ học xin học lại": "hoc_lai",
    "Bảo lưu": "bao_luu",
    "Tạm nghỉ": "tam_nghi",
    "Lưu ban": "luu_ban",
}

_GENDERS = {
    "nam": "male",
    "male": "male",
    "m": "male",
    "1": "male",
    "nu": "female",
    "female": "female",
    "f": "female",
    "2": "female",
}

_DATE_RE = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_GRADE_RE = re.compile(r"([1-5])(?!\d)")


def _fold(text):
    """Comparison key: NFC, no diacritics (đ -> d), case-folded, single spaces."""
    text = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.casefold().split())


_HEADER_KEYS = {_fold(label): key for key, label in COLUMNS.items()}
_STATUS_KEYS = {_fold(label): code for label, code in STATUS_CODES.items()} | {
    code: code for code in STATUS_CODES.values()
}


class RowError(NamedTuple):
    """One problem in the file: Excel row number, header label of the column ('' if none), text."""

    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    """Rows read from the file and the problems found.

    Each row is a dict with keys ``row`` (Excel row number), ``class_code``, ``grade``,
    ``student_code``, ``name``, ``birthdate`` (date), ``gender`` ('male'/'female'), ``status``
    (code or False), ``status_date`` (date or False), ``ethnicity``, ``disability`` (str),
    ``personal_id`` (normalised valid ID or False), ``personal_id_raw`` (normalised text as found,
    '' if empty) and ``valid`` (no error on that row). Invalid values are set to False.
    """

    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    sheet: str = ""
    header_row: int = 0

    @property
    def ok(self):
        return not self.errors

    @property
    def valid_rows(self):
        return [row for row in self.rows if row["valid"]]

    def errors_by_row(self):
        grouped = {}
        for error in self.errors:
            grouped.setdefault(error.row, []).append(error)
        return grouped


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def _id_text(value):
    """Personal ID cell as text. A numeric cell has lost its leading zeros (every province code starts
    with 0) although Excel may still display them: pad it back to 12 digits."""
    if isinstance(value, bool):
        return _text(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and 0 <= value < 10**12:
        return f"{value:012d}"
    return _text(value)


def _date(value):
    """Cell value -> date; None when empty; raises ValueError when it is not a date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        match = _DATE_RE.fullmatch(value.strip())
        if match:
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
    raise ValueError(value)


def _load(data):
    if not data:
        raise RuleError(_lt("The file is empty."), code="import_file")
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise RuleError(
            _lt(
                "The file could not be read as an Excel workbook (.xlsx). If it is an old .xls file, "
                "open it in Excel and save it as .xlsx."
            ),
            code="import_file",
        ) from exc
    except Exception as exc:  # openpyxl raises many exception types on corrupt files
        raise RuleError(
            _lt("The Excel file is damaged and could not be read (%(error)s).", error=type(exc).__name__),
            code="import_file",
        ) from exc


def _sheet_order(workbook):
    sheets = workbook.worksheets
    preferred = [ws for ws in sheets if "hocsinh" in _fold(ws.title).replace(" ", "").replace("-", "")]
    rest = [ws for ws in sheets if ws not in preferred]
    return preferred + rest  # named like C1-HocSinh first, then in workbook order (first sheet first)


def _find_header(workbook):
    """Return (sheet, header row number, {column index: field key}); raise import_header if none."""
    best = None  # (number of required columns found, sheet title, row number, found keys)
    for ws in _sheet_order(workbook):
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # read-only mode trusts the stored dimension, which may be wrong
        for row_number, values in enumerate(ws.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True), 1):
            mapping = {}
            for index, value in enumerate(values):
                key = _HEADER_KEYS.get(_fold(value)) if isinstance(value, str) else None
                if key and key not in mapping.values():
                    mapping[index] = key
            found = set(mapping.values())
            if all(key in found for key in REQUIRED_FIELDS):
                return ws, row_number, mapping
            score = sum(key in found for key in REQUIRED_FIELDS)
            if score and (best is None or score > best[0]):
                best = (score, ws.title, row_number, found)
    if best is None:
        raise RuleError(
            _lt(
                "No header row of the “C1-HocSinh” pupil list was found in the first %(rows)s rows of any sheet. "
                "The header row must contain the columns: %(columns)s.",
                rows=HEADER_SEARCH_ROWS,
                columns=", ".join(COLUMNS[key] for key in REQUIRED_FIELDS),
            ),
            code="import_header",
        )
    _score, title, row_number, found = best
    raise RuleError(
        _lt(
            "The header row (sheet “%(sheet)s”, row %(row)s) lacks the required columns: %(columns)s.",
            sheet=title,
            row=row_number,
            columns=", ".join(COLUMNS[key] for key in REQUIRED_FIELDS if key not in found),
        ),
        code="import_header",
    )


def _translate(message, lang):
    if isinstance(message, LazyGettext):
        return message._translate(lang) if lang else str(message)
    return str(message)


def parse_workbook(data, lang=None):
    """Parse a "C1-HocSinh" export (``.xlsx`` bytes) into an :class:`ImportResult`.

    :param lang: language of the error messages (e.g. ``self.env.lang``); None detects it
    :raises RuleError: ``import_file`` (not a readable .xlsx) or ``import_header`` (no header row)
    """
    workbook = _load(data)
    try:
        ws, header_row, mapping = _find_header(workbook)
        result = ImportResult(sheet=ws.title, header_row=header_row)

        def error(row_number, key, message):
            label = COLUMNS[key] if key else ""
            result.errors.append(RowError(row_number, label, _translate(message, lang)))

        for row_number, values in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True), header_row + 1):
            cells = {key: values[index] if index < len(values) else None for index, key in mapping.items()}
            if all(value is None or (isinstance(value, str) and not value.strip()) for value in values):
                continue
            result.rows.append(_parse_row(row_number, cells, error))
    finally:
        workbook.close()

    _check_duplicates(result, "student_code", "student_code", error)
    _check_duplicates(result, "personal_id_raw", "personal_id", error)
    erroneous = {err.row for err in result.errors}
    for row in result.rows:
        row["valid"] = row["row"] not in erroneous
    result.errors.sort(key=lambda err: (err.row, list(COLUMNS.values()).index(err.column) if err.column else -1))
    return result


def _parse_row(row_number, cells, error):
    row = {"row": row_number}
    for key in ("class_code", "student_code", "name", "ethnicity", "disability"):
        row[key] = _text(cells.get(key))
    for key in ("class_code", "student_code", "name"):
        if not row[key]:
            error(row_number, key, _lt("%(column)s is required.", column=COLUMNS[key]))

    row["grade"] = False
    if row["class_code"]:
        match = _GRADE_RE.match(row["class_code"])
        if match:
            row["grade"] = int(match.group(1))
        else:
            error(
                row_number,
                "class_code",
                _lt(
                    "Cannot read the grade from the class code “%(code)s”: it must start with the grade "
                    "(1 to 5), e.g. 3A.",
                    code=row["class_code"],
                ),
            )

    for key, required in (("birthdate", True), ("status_date", False)):
        raw = cells.get(key)
        try:
            value = _date(raw)
        except ValueError:
            value = False
            error(
                row_number,
                key,
                _lt("“%(value)s” is not a valid date: write it as dd/mm/yyyy, e.g. 05/09/2019.", value=_text(raw)),
            )
        else:
            if value is None:
                value = False
                if required:
                    error(row_number, key, _lt("%(column)s is required.", column=COLUMNS[key]))
        row[key] = value

    gender_text = _text(cells.get("gender"))
    row["gender"] = _GENDERS.get(_fold(gender_text), False) if gender_text else False
    if not gender_text:
        error(row_number, "gender", _lt("%(column)s is required.", column=COLUMNS["gender"]))
    elif not row["gender"]:
        error(row_number, "gender", _lt("“%(value)s” is not a valid sex: write Nam or Nữ.", value=gender_text))

    status_text = _text(cells.get("status"))
    row["status"] = _STATUS_KEYS.get(_fold(status_text), False) if status_text else False
    if status_text and not row["status"]:
        error(
            row_number,
            "status",
            _lt(
                "Unknown pupil status “%(value)s”. Known statuses: %(statuses)s.",
                value=status_text,
                statuses=", ".join(STATUS_CODES),
            ),
        )

    raw_id = personal_id.normalize(_id_text(cells.get("personal_id")))
    row["personal_id_raw"] = raw_id
    row["personal_id"] = False
    if raw_id:
        try:
            row["personal_id"] = personal_id.validate(
                raw_id, birthdate=row["birthdate"] or None, gender=row["gender"] or None
            )
        except RuleError as exc:
            error(row_number, "personal_id", exc.message)
    return row


def _check_duplicates(result, row_key, column_key, error):
    seen = {}
    for row in result.rows:
        if row[row_key]:
            seen.setdefault(row[row_key], []).append(row["row"])
    for value, row_numbers in seen.items():
        if len(row_numbers) < 2:
            continue
        for row_number in row_numbers:
            others = ", ".join(str(n) for n in row_numbers if n != row_number)
            if column_key == "student_code":
                message = _lt(
                    "The pupil code %(value)s appears more than once in the file (also in row(s) %(rows)s).",
                    value=value,
                    rows=others,
                )
            else:
                message = _lt(
                    "The personal ID %(value)s appears more than once in the file (also in row(s) %(rows)s).",
                    value=value,
                    rows=others,
                )
            error(row_number, column_key, message)
