from . import (
    hocbaso_correction_wizard,
    hocbaso_document_wizard_mixin,
    hocbaso_progress_export,
    hocbaso_reassessment,
    hocbaso_return_wizard,
    hocbaso_sign_wizard,
    hocbaso_verify_wizard,
)
