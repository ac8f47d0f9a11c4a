from . import hocbaso_reassessment, hocbaso_student_import
