from . import (
    res_company,
    hocbaso_school_year,
    hocbaso_subject,
    hocbaso_subject_grade,
    hocbaso_competency,
    hr_employee,
    hocbaso_class,
    hocbaso_teaching_assignment,
    hocbaso_student,
    hocbaso_transcript,
    hocbaso_subject_result,
    hocbaso_competency_result,
)
