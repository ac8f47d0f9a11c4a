from . import (
    hocbaso_certificate,
    hocbaso_school_year,
    hocbaso_sign_request,
    hocbaso_signable_mixin,
    hocbaso_signature,
    hocbaso_signing_demo,
    hocbaso_subject_sheet,
    hocbaso_transcript,
    hocbaso_verifier,
    hocbaso_xml_schema,
    hr_employee,
)
