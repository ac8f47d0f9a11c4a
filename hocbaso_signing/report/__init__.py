from . import report_paper_book, report_subject_sheet, report_year_page
