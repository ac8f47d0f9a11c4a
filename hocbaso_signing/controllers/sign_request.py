import json
import logging

from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..tools.backends import SigningError, external

_logger = logging.getLogger(__name__)


class HocbasoSignRequestController(http.Controller):
    """JSON endpoints of the desktop signer (protocol in ``tools/backends/external.py``)."""

    def _json(self, payload, status=200):
        return request.make_response(json.dumps(payload, ensure_ascii=False), status=status,
                                     headers=[("Content-Type", "application/json; charset=utf-8"),
                                              ("Cache-Control", "no-store")])

    def _error(self, code, message, status):
        return self._json({"error": code, "message": message}, status)

    def _load(self, request_id):
        token = (request.httprequest.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        # auth="none": no session user; the token authenticates, the request acts for the user who opened it.
        env = request.env(user=SUPERUSER_ID)
        req = env["hocbaso.sign.request"].search([("name", "=", request_id)], limit=1)
        if not req:
            return None, self._error("not_found", "Unknown signing request.", 404)
        if not req._check_token(token):
            return None, self._error("invalid_token", "Missing, wrong or already used token.", 401)
        if req.state == "done":
            return None, self._error("already_done", "This request is already signed.", 409)
        if req._is_expired():
            req.write({"state": "expired"})
            return None, self._error("expired", "This signing request has expired.", 409)
        if req.state != "pending":
            return None, self._error("already_done", "This request is closed.", 409)
        return req, None

    @http.route(external.PATH + "<string:request_id>", type="http", auth="none", methods=["GET"], csrf=False,
                save_session=False, readonly=False)
    def get_request(self, request_id):
        req, error = self._load(request_id)
        return error or self._json(req.request_json)

    @http.route(external.PATH + "<string:request_id>", type="http", auth="none", methods=["POST"], csrf=False,
                save_session=False, readonly=False)
    def post_request(self, request_id):
        req, error = self._load(request_id)
        if error:
            return error
        try:
            body = json.loads(request.httprequest.get_data() or b"{}")
        except ValueError:
            return self._error("bad_response", "The body is not JSON.", 400)
        try:
            req._complete(body)
        except SigningError as err:
            return self._error(err.code or "bad_response", err.translate("en_US"), 400)
        except Exception as err:  # the request stays pending: the signer may retry with a correct answer
            _logger.warning("Signing request %s failed: %s", request_id, err)
            request.env.cr.rollback()
            return self._error("bad_response", str(err), 400)
        return self._json({"status": "done"})
