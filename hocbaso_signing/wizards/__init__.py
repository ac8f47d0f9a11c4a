from . import hocbaso_sign_wizard, hocbaso_verify_wizard
