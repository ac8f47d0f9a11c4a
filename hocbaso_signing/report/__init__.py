from . import report_subject_sheet, report_year_page
