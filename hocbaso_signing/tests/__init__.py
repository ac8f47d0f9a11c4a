from . import test_certificates, test_demo_signing, test_signing
