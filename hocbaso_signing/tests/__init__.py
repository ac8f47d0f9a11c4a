from . import test_certificates, test_demo_signing, test_external_signing, test_signing, test_verify_tamper
