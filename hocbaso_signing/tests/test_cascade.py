import base64
import hashlib
import io
from datetime import timedelta

from pyhanko.pdf_utils.reader import PdfFileReader

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PASSWORD, SigningCase

PIN = PASSWORD.decode()


@tagged("post_install", "-at_install")
class TestCascade(SigningCase):
    """The approval cascade driven by the real users of each role, refusals included."""

    def sheets(self, klass=None):
        klass = klass or self.class_a
        Sheet = self.env["hocbaso.subject.sheet"]
        return Sheet._ensure_for_classes(klass) | Sheet.search([("class_id", "=", klass.id)])

    def sheet(self, code):
        return self.sheets().filtered(lambda s: s.subject_id.code == code)

    def sign(self, records, user, role, key):
        records = records.with_user(user).with_context(lang="en_US")
        return records._hocbaso_cascade_sign(role, self.backend(key), certificate=self.certs[key])

    def activities(self, record, user):
        return self.env["mail.activity"].search([("res_model", "=", record._name), ("res_id", "=", record.id),
                                                 ("user_id", "=", user.id)])

    # ------------------------------------------------------------------ the whole cascade
    def test_full_cascade_with_real_users_and_refusals(self):
        pages = self.class_a.transcript_ids
        for t in pages:
            self.fill_top(t)
        math = self.sheet("toan")
        # A teacher cannot sign another teacher's subject.
        with self.assertRaisesRegex(UserError, "assigned"):
            self.sign(math, self.u_music, "subject_teacher", "music")
        self.assertEqual(math.state, "draft")
        # The homeroom teacher cannot sign before every subject sheet is signed.
        with self.assertRaisesRegex(UserError, "sheets"):
            self.sign(pages, self.u_gvcn_a, "homeroom_teacher", "gvcn_a")
        self.assertEqual(set(pages.mapped("state")), {"draft"})
        self.assertFalse(pages.filtered("signed_roles"))

        self.sign_sheets_a(fill=False)
        self.assertEqual(set(self.sheets().mapped("state")), {"signed"})
        # Signing the sheet froze the subject's results, for every user including the superuser.
        with self.assertRaises(UserError):
            self.line(pages[0], "toan").sudo().write({"level_cn": "h"})
        # The class is ready: its homeroom teacher got an activity.
        self.assertTrue(self.activities(self.class_a, self.u_gvcn_a))

        # Another homeroom teacher cannot sign class A's pages (he cannot even read them).
        with self.assertRaises(UserError):
            self.sign(pages, self.u_gvcn_b, "homeroom_teacher", "gvcn_b")
        self.sign(pages, self.u_gvcn_a, "homeroom_teacher", "gvcn_a")
        self.assertEqual(set(pages.mapped("state")), {"homeroom_signed"})
        self.assertTrue(self.activities(self.class_a, self.u_leader), "the reviewers are told the class is signed")
        # ... with the notification Odoo e-mails for an activity assigned by someone else.
        self.assertTrue(self.env["mail.message"].search([
            ("message_type", "=", "user_notification"), ("partner_ids", "in", self.u_leader.partner_id.id),
            ("model", "=", "hocbaso.class"), ("res_id", "=", self.class_a.id)]))

        # The principal cannot sign before the check; the homeroom teacher cannot check.
        with self.assertRaisesRegex(UserError, "checked"):
            self.sign(pages, self.u_principal, "principal", "principal")
        with self.assertRaises(UserError):
            pages.with_user(self.u_gvcn_a).with_context(lang="en_US").action_check()
        with self.assertRaisesRegex(UserError, "team leader or a vice principal"):  # the principal approves last
            pages.with_user(self.u_principal).with_context(lang="en_US").action_check()
        pages.with_user(self.u_leader).action_check()
        self.assertEqual(set(pages.mapped("state")), {"checked"})
        self.assertEqual(pages.checked_by_id, self.u_leader)
        self.assertTrue(self.activities(self.class_a, self.u_principal))

        # A vice principal who is not the configured delegate cannot sign for the principal.
        with self.assertRaisesRegex(UserError, "delegate"):
            self.sign(pages, self.u_vp, "principal", "vp")
        self.sign(pages, self.u_principal, "principal", "principal")
        self.assertEqual(set(pages.mapped("state")), {"principal_signed"})
        # The seal is applied by its holder only (the principal by default), not by the clerk.
        with self.assertRaisesRegex(UserError, "seal"):
            self.sign(pages, self.u_clerk, "school_seal", "seal")
        self.sign(pages, self.u_principal, "school_seal", "seal")
        self.assertEqual(set(pages.mapped("state")), {"issued"})
        self.assertEqual(pages[0].issued_date, fields.Date.context_today(pages[0]))
        self.assertEqual(pages[0].signed_roles, "homeroom_teacher,principal,school_seal")

        # Issued is final; nobody writes a signed field or the workflow fields, not even the superuser.
        with self.assertRaises(UserError):
            self.sign(pages, self.u_principal, "school_seal", "seal")
        for vals in ({"homeroom_comment": "changed"}, {"state": "draft"}, {"signed_roles": False},
                     {"pdf_file": base64.b64encode(b"%PDF-1.7 fake")}, {"version": 7}):
            with self.subTest(vals=list(vals)), self.assertRaises(UserError):
                pages[0].sudo().write(vals)
        # A JSON context (what an RPC client can send) does not open the engine's door.
        with self.assertRaises(UserError):
            pages[0].sudo().with_context(hocbaso_engine=True).write({"state": "draft"})
        with self.assertRaises(UserError):
            pages[0].competency_result_ids[:1].sudo().write({"level_cn": "c"})
        with self.assertRaises(UserError):
            pages[0].sudo().unlink()
        self.assertEqual(pages[0].state, "issued")

        # Every step left a chatter entry; the signature log holds 3 active signatures per page and is intact.
        bodies = " ".join(pages[0].message_ids.mapped("body"))
        for fragment in (self.u_gvcn_a.name, self.u_leader.name, self.u_principal.name):
            self.assertIn(fragment, bodies)
        log = self.env["hocbaso.signature"].search([("res_model", "=", "hocbaso.transcript"),
                                                    ("res_id", "=", pages[0].id)])
        self.assertEqual(sorted(log.mapped("role")), ["homeroom_teacher", "principal", "school_seal"])
        self.assertTrue(self.env["hocbaso.signature"].check_chain()["ok"])

    # ------------------------------------------------------------------ returns
    def test_return_needs_a_reason_and_invalidates_signatures(self):
        self.sign_sheets_a()
        pages = self.class_a.transcript_ids
        self.sign(pages, self.u_gvcn_a, "homeroom_teacher", "gvcn_a")
        pages.with_user(self.u_leader).action_check()
        self.sign(pages, self.u_principal, "principal", "principal")
        page = pages[0]
        homeroom_sig = self.env["hocbaso.signature"].search([("res_model", "=", page._name), ("res_id", "=", page.id),
                                                             ("role", "=", "homeroom_teacher")])

        # No reason: refused, nothing changes.
        wizard = self.env["hocbaso.return.wizard"].with_user(self.u_principal).with_context(
            active_model=page._name, active_ids=page.ids).create({"target_state": "checked", "reason": "  "})
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.with_context(lang="en_US").action_return()
        self.assertEqual(page.state, "principal_signed")
        # A subject teacher is neither a reviewer nor a signer of the page.
        with self.assertRaises(UserError):  # AccessError is a UserError
            self.env["hocbaso.return.wizard"].with_user(self.u_music).with_context(
                active_model=page._name, active_ids=page.ids).create(
                    {"target_state": "draft", "reason": "Sai"}).action_return()

        # The principal sends it back one step: his signature is invalidated (kept), the homeroom one stays.
        wizard.reason = "Thiếu nhận xét về phẩm chất."
        wizard.action_return()
        self.assertEqual(page.state, "checked")
        self.assertEqual(page.signed_roles, "homeroom_teacher")
        self.assertTrue(page.returned)
        principal_sig = self.env["hocbaso.signature"].with_context(active_test=False).search(
            [("res_model", "=", page._name), ("res_id", "=", page.id), ("role", "=", "principal")])
        self.assertFalse(principal_sig.active)
        self.assertEqual(principal_sig.invalidated_reason, "Thiếu nhận xét về phẩm chất.")
        self.assertEqual(principal_sig.invalidated_by_id, self.u_principal)
        pdf = base64.b64decode(page.with_context(bin_size=False).pdf_file)
        self.assertEqual(hashlib.sha256(pdf).hexdigest(), homeroom_sig.pdf_sha256,
                         "the renditions are back to the homeroom-signed files")
        self.assertTrue(self.env["hocbaso.signature"].check_chain()["ok"])

        # The team leader sends it back to data entry: the homeroom signature goes too, with an activity.
        page.with_user(self.u_leader).action_open_return()
        self.env["hocbaso.return.wizard"].with_user(self.u_leader).with_context(
            active_model=page._name, active_ids=page.ids).create(
                {"target_state": "draft", "reason": "Nhận xét chưa đầy đủ."}).action_return()
        self.assertEqual(page.state, "draft")
        self.assertFalse(page.signed_roles or page.pdf_file)
        self.assertFalse(homeroom_sig.active)
        self.assertIn("Nhận xét chưa đầy đủ.", self.activities(page, self.u_gvcn_a).mapped("note")[0])
        # Data can be corrected again, then the page is signed again.
        page.sudo().homeroom_comment = "Em học tốt, chăm ngoan, tích cực."
        self.sign(page, self.u_gvcn_a, "homeroom_teacher", "gvcn_a")
        self.assertEqual(page.state, "homeroom_signed")
        self.assertFalse(page.returned)
        self.assertEqual(self.env["hocbaso.signature"].search_count(
            [("res_model", "=", page._name), ("res_id", "=", page.id)]), 1)

    def test_returning_a_subject_sheet_reopens_the_class_pages(self):
        self.sign_sheets_a()
        pages = self.class_a.transcript_ids
        self.sign(pages, self.u_gvcn_a, "homeroom_teacher", "gvcn_a")
        math = self.sheet("toan")
        self.env["hocbaso.return.wizard"].with_user(self.u_math).with_context(
            active_model=math._name, active_ids=math.ids).create(
                {"target_state": "draft", "reason": "Nhập nhầm điểm."}).action_return()
        self.assertEqual(math.state, "draft")
        self.assertEqual(set(pages.mapped("state")), {"draft"})
        self.assertFalse(pages.filtered("signed_roles"))
        self.line(pages[0], "toan").with_user(self.u_math).write({"score_cn": "9"})  # unlocked again
        self.assertTrue(self.activities(math, self.u_math))

    # ------------------------------------------------------------------ cross-check
    def test_findings_block_signing_and_are_kept(self):
        self.sign_sheets_a()
        a1, a2 = self.transcript_a1, self.transcript_a2
        # An identity problem is blocking: a1 cannot be signed, a2 can (one confirmation for what is ready).
        a1.student_id.sudo().id_check_state = "mismatch"
        wizard = self.env["hocbaso.sign.wizard"].with_user(self.u_gvcn_a).with_context(
            active_model=a1._name, active_ids=(a1 | a2).ids).create(
                {"role": "homeroom_teacher", "certificate_id": self.certs["gvcn_a"].id, "secret": PIN})
        self.assertEqual(wizard.eligible_count, 1)
        self.assertIn(a1.student_id.name, wizard.refused_summary)
        wizard.action_sign()
        self.assertEqual((a1.state, a2.state), ("draft", "homeroom_signed"))
        found = a1.finding_ids.filtered(lambda f: f.code == "identity" and f.state == "open")
        self.assertEqual(found.severity, "blocking")
        self.assertEqual(a1.blocking_count, 1)
        # Corrected data: the finding closes itself and stays in the history.
        a1.student_id.sudo().id_check_state = "matched"
        self.sign(a1, self.u_gvcn_a, "homeroom_teacher", "gvcn_a")
        self.assertEqual(found.state, "resolved")
        self.assertTrue(found.exists())
        with self.assertRaises(UserError):
            found.sudo().unlink()

        # The team leader adds a manual blocking finding: the check stops until it is resolved.
        with self.assertRaises(UserError):  # AccessError is a UserError
            self.env["hocbaso.finding"].with_user(self.u_gvcn_a).create(
                {"transcript_id": a2.id, "message": "Tự kiểm tra"})
        manual = self.env["hocbaso.finding"].with_user(self.u_leader).create(
            {"transcript_id": a2.id, "severity": "blocking", "message": "Điểm Toán chưa khớp bảng điểm."})
        result = (a1 | a2).with_user(self.u_leader).action_check()
        self.assertEqual(result["res_model"], "hocbaso.finding", "the findings are shown, nothing is checked")
        self.assertEqual(a2.state, "homeroom_signed")
        manual.with_user(self.u_leader).action_resolve("Đã đối chiếu, điểm đúng.")
        (a1 | a2).with_user(self.u_leader).action_check()
        self.assertEqual((a1.state, a2.state), ("checked", "checked"))

    def test_level_score_inconsistency_is_a_warning(self):
        t = self.transcript_a1
        self.fill_top(t)
        self.line(t, "toan").write({"score_cn": "3"})  # "Hoàn thành tốt" with 3 points
        t._hocbaso_crosscheck("manual")
        warning = t.finding_ids.filtered(lambda f: f.code == "level_score_inconsistent")
        self.assertEqual(warning.severity, "warning")
        self.assertEqual(warning.subject, "toan")
        self.line(t, "toan").write({"score_cn": False})
        t._hocbaso_crosscheck("manual")
        missing = t.finding_ids.filtered(lambda f: f.code == "score_missing" and f.state == "open")
        self.assertEqual(missing.severity, "blocking")
        self.assertEqual(warning.state, "resolved")

    # ------------------------------------------------------------------ delegate and seal holder
    def test_delegate_signs_for_the_principal_and_configured_seal_holder(self):
        self.sign_sheets_a()
        pages = self.class_a.transcript_ids
        self.sign(pages, self.u_gvcn_a, "homeroom_teacher", "gvcn_a")
        pages.with_user(self.u_leader).action_check()
        self.company.hocbaso_principal_delegate_id = self.e_vp
        self.sign(pages, self.u_vp, "principal", "vp")
        sig = self.env["hocbaso.signature"].search([("res_model", "=", pages._name), ("res_id", "=", pages[0].id),
                                                    ("role", "=", "principal")])
        self.assertEqual(sig.on_behalf, self.e_principal.name)
        pdf = base64.b64decode(pages[0].with_context(bin_size=False).pdf_file)
        embedded = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
        reasons = {s.field_name: str(s.sig_object.get("/Reason")) for s in embedded}
        self.assertIn("KT. Hiệu trưởng", reasons["HieuTruong"], "the document shows the delegation")
        self.assertTrue(self.env["hocbaso.verifier"].verify_file("p.pdf", base64.b64encode(pdf).decode())["valid"])
        # The clerk holds the seal certificate in this school.
        self.company.hocbaso_seal_holder_position = "clerk"
        self.certs["seal"].employee_id = self.e_clerk
        with self.assertRaisesRegex(UserError, "seal"):
            self.sign(pages, self.u_principal, "school_seal", "seal")
        self.sign(pages, self.u_clerk, "school_seal", "seal")
        self.assertEqual(set(pages.mapped("state")), {"issued"})

    # ------------------------------------------------------------------ corrections and re-assessment
    def test_correction_creates_a_new_version_and_the_old_file_reports_it(self):
        _sheets, pages = self.sign_class_a()
        old = pages[0]
        old_pdf = old.with_context(bin_size=False).pdf_file.decode()
        wizard = self.env["hocbaso.correction.wizard"].with_user(self.u_principal).create(
            {"transcript_id": old.id, "reason": "Sai chính tả trong nhận xét."})
        with self.assertRaises(UserError):  # AccessError is a UserError
            self.env["hocbaso.correction.wizard"].with_user(self.u_gvcn_a).create(
                {"transcript_id": old.id, "reason": "x"}).action_correct()
        with self.assertRaisesRegex(UserError, "reason"):
            old.with_user(self.u_principal).with_context(lang="en_US")._hocbaso_new_version("   ")
        action = wizard.action_correct()
        new = self.env["hocbaso.transcript"].browse(action["res_id"])
        self.assertEqual((new.version, new.previous_version_id, new.state), (2, old, "draft"))
        self.assertEqual(old.superseded_by_id, new)
        self.assertFalse(old.active)
        self.assertEqual(old.state, "issued")
        self.assertEqual(old.signed_roles, "homeroom_teacher,principal,school_seal")
        # Results were copied; the new version's lines are open, the old ones stay frozen.
        self.assertEqual(self.line(new, "toan").level_cn, self.line(old, "toan").level_cn)
        self.line(new, "toan").write({"score_cn": "9"})
        with self.assertRaises(UserError):
            self.line(old, "toan").sudo().write({"score_cn": "9"})
        self.assertNotIn(old, self.class_a.transcript_ids, "the superseded version leaves the class lists")
        # The new version runs the cascade again (its subject sheets are already signed).
        self.sign(new, self.u_gvcn_a, "homeroom_teacher", "gvcn_a")
        new.with_user(self.u_leader).action_check()
        self.sign(new, self.u_principal, "principal", "principal")
        self.sign(new, self.u_principal, "school_seal", "seal")
        self.assertEqual(new.state, "issued")
        self.assertTrue(new.document_ref.endswith("-v2"))
        verifier = self.env["hocbaso.verifier"]
        report = verifier.verify_file("old.pdf", old_pdf)
        current = next(c for c in report["checks"] if c["code"] == "current_version")
        self.assertFalse(current["ok"])
        self.assertIn("2", current["message"])
        report = verifier.verify_file("new.pdf", new.with_context(bin_size=False).pdf_file.decode())
        self.assertTrue(next(c for c in report["checks"] if c["code"] == "current_version")["ok"])

    def test_summer_reassessment_after_issue(self):
        for t in self.class_a.transcript_ids:
            self.fill_top(t)
        cht = self.transcript_a1
        for line in cht.subject_result_ids:
            line.write({"level_cn": "c", **({"score_cn": "3"} if "cn" in line.subject_id.tested_points(3) else {})})
        self.assertEqual(cht.result, "cht")
        self.sign_sheets_a(fill=False)
        pages = self.class_a.transcript_ids
        self.sign(pages, self.u_gvcn_a, "homeroom_teacher", "gvcn_a")
        pages.with_user(self.u_leader).action_check()
        self.sign(pages, self.u_principal, "principal", "principal")
        self.sign(pages, self.u_principal, "school_seal", "seal")
        self.year.write({"sign_deadline": fields.Date.today() - timedelta(days=30),
                         "sync_deadline": fields.Date.today() + timedelta(days=30)})
        wizard = self.env["hocbaso.reassessment"].with_user(self.u_gvcn_a).with_context(active_id=cht.id).create({
            "reassessment_result": "ht", "reassessment_date": fields.Date.today(), "reassessment_comment": "Đạt."})
        action = wizard.action_confirm()
        new = self.env["hocbaso.transcript"].browse(action["res_id"])
        self.assertEqual((new.version, new.result, new.reassessment_result, new.final_result),
                         (2, "cht", "ht", "ht"), "the first assessment is kept")
        self.assertEqual(cht.superseded_by_id, new)
        self.sign(new, self.u_gvcn_a, "homeroom_teacher", "gvcn_a")
        new.with_user(self.u_leader).action_check()
        self.sign(new, self.u_principal, "principal", "principal")
        self.sign(new, self.u_principal, "school_seal", "seal")
        self.assertEqual(new.state, "issued")
        self.assertFalse(new.issued_late, "a re-assessment is expected after the deadline")
        self.assertTrue(new.completed_grade)

    # ------------------------------------------------------------------ batches, queues, reminders
    def test_batch_job_resumes_without_signing_twice(self):
        self.sign_sheets_a()
        pages = self.class_a.transcript_ids
        job = self.env["hocbaso.sign.job"].with_user(self.u_gvcn_a)._start(
            pages, "homeroom_teacher", self.certs["gvcn_a"], PIN)
        job.sudo().batch_size = 1
        self.assertNotIn(PIN, job.sudo().secret_encrypted)
        job._run(max_batches=1)  # the worker stops after one batch (crash)
        self.assertEqual((job.state, job.done_count, job.progress), ("running", 1, 50.0))
        self.assertEqual(sorted(pages.mapped("state")), ["draft", "homeroom_signed"])
        # Bookkeeping lost as well: the resume still skips the page already signed.
        job.sudo().done_ids = []
        job._run()
        self.assertEqual(job.state, "done")
        self.assertFalse(job.sudo().secret_encrypted, "the secret is erased when the job ends")
        self.assertEqual(set(pages.mapped("state")), {"homeroom_signed"})
        for page in pages:
            self.assertEqual(self.env["hocbaso.signature"].search_count(
                [("res_model", "=", page._name), ("res_id", "=", page.id)]), 1)

    def test_long_batch_runs_in_the_scheduler_with_progress(self):
        self.sign_sheets_a()
        pages = self.class_a.transcript_ids
        self.env["ir.config_parameter"].sudo().set_param("hocbaso_signing.sign_batch_size", "1")
        wizard = self.env["hocbaso.sign.wizard"].with_user(self.u_gvcn_a).with_context(
            active_model=pages._name, active_ids=pages.ids).create(
                {"role": "homeroom_teacher", "certificate_id": self.certs["gvcn_a"].id, "secret": PIN})
        action = wizard.action_sign()
        job = self.env["hocbaso.sign.job"].browse(action["res_id"])
        self.assertEqual((action["res_model"], job.state, job.batch_size, job.total), ("hocbaso.sign.job", "queued",
                                                                                       1, 2))
        self.assertEqual(set(pages.mapped("state")), {"draft"}, "nothing is signed in the request")
        self.assertTrue(self.env["ir.cron.trigger"].search(
            [("cron_id", "=", self.env.ref("hocbaso_signing.ir_cron_hocbaso_sign_jobs").id)]))
        self.env["hocbaso.sign.job"]._cron_run()
        self.assertEqual((job.state, job.progress), ("done", 100.0))
        self.assertEqual(set(pages.mapped("state")), {"homeroom_signed"})
        self.assertEqual(pages.mapped("signed_roles"), ["homeroom_teacher"] * 2)
        # A signer sees their own jobs only.
        self.assertFalse(self.env["hocbaso.sign.job"].with_user(self.u_math).search([("id", "=", job.id)]))

    def test_queue_shows_what_waits_per_class(self):
        for t in self.class_a.transcript_ids:
            self.fill_top(t)
        Queue = self.env["hocbaso.sign.queue"]
        Queue.with_user(self.u_math).action_open_queue()
        rows = Queue.with_user(self.u_math).search([("create_uid", "=", self.u_math.id)])
        mine = rows.filtered(lambda r: r.class_id == self.class_a)
        self.assertEqual(mine.step, "sign_subject")
        self.assertEqual(mine.subject_id.code, "toan")
        self.assertEqual(mine.deadline, self.year.sign_deadline)
        action = mine.action_sign()
        self.assertEqual(action["res_model"], "hocbaso.sign.wizard")
        self.assertEqual(action["context"]["default_role"], "subject_teacher")
        self.sign_sheets_a(fill=False)
        Queue.with_user(self.u_gvcn_a).action_open_queue()
        row = Queue.with_user(self.u_gvcn_a).search([("create_uid", "=", self.u_gvcn_a.id),
                                                    ("step", "=", "sign_homeroom")])
        self.assertEqual((row.class_id, row.count, row.blocked), (self.class_a, 2, 0))
        Queue.with_user(self.u_math).action_open_queue()
        self.assertFalse(Queue.with_user(self.u_math).search([("create_uid", "=", self.u_math.id),
                                                              ("class_id", "=", self.class_a.id)]))

    def test_deadline_reminders(self):
        for t in self.class_a.transcript_ids:
            self.fill_top(t)
        self.year.write({"sign_deadline": fields.Date.today() + timedelta(days=7),
                         "sync_deadline": fields.Date.today() + timedelta(days=60)})
        self.env["hocbaso.transcript"]._cron_deadline_reminders()
        self.assertTrue(self.activities(self.class_a, self.u_math), "the math sheet is not signed yet")
        self.assertTrue(self.activities(self.class_a, self.u_gvcn_a))
        self.year.write({"sign_deadline": fields.Date.today() + timedelta(days=8)})
        before = self.env["mail.activity"].search_count([])
        self.env["hocbaso.transcript"]._cron_deadline_reminders()
        self.assertEqual(self.env["mail.activity"].search_count([]), before, "no reminder on other days")
