from . import (
    test_cascade,
    test_certificates,
    test_demo_signing,
    test_external_signing,
    test_paper_book,
    test_progress,
    test_signing,
    test_ui_sign,
    test_verify_tamper,
)
