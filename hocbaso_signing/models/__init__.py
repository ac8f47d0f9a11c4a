from . import (
    hocbaso_cascade_mixin,
    hocbaso_certificate,
    hocbaso_class,
    hocbaso_competency_result,
    hocbaso_finding,
    hocbaso_school_year,
    hocbaso_sign_job,
    hocbaso_sign_queue,
    hocbaso_sign_request,
    hocbaso_signable_mixin,
    hocbaso_signature,
    hocbaso_signing_demo,
    hocbaso_student,
    hocbaso_subject_result,
    hocbaso_subject_sheet,
    hocbaso_transcript,
    hocbaso_verifier,
    hocbaso_xml_schema,
    hr_employee,
    res_company,
)

# SQL views over the tables above: loaded last, so that the columns they read exist when they are created.
# isort: split
from . import hocbaso_progress, hocbaso_progress_teacher
