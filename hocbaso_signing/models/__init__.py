from . import (
    hocbaso_xml_schema,
    hocbaso_school_year,
    hocbaso_certificate,
    hr_employee,
    hocbaso_signature,
    hocbaso_signable_mixin,
    hocbaso_subject_sheet,
    hocbaso_transcript,
    hocbaso_verifier,
    hocbaso_signing_demo,
)
