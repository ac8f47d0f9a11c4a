from . import sign_request
