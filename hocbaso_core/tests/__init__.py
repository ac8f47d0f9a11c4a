from . import test_access, test_demo, test_import, test_student, test_transcript, test_ui
