from odoo.tests import HttpCase, tagged

from .common import HocbasoCase


@tagged("post_install", "-at_install")
class TestGridEntryTour(HocbasoCase, HttpCase):
    def test_subject_teacher_enters_results_in_the_grid(self):
        """Chromium: the math teacher opens the class grid and enters a level and a score."""
        action = self.class_a.with_user(self.u_math).action_open_subject_grid()
        action["domain"] = [("class_id", "=", self.class_a.id), ("subject_id.code", "=", "toan")]
        action["context"] = {}
        act = self.env["ir.actions.act_window"].create({
            "name": "Toán 3A", "res_model": action["res_model"], "view_mode": "list",
            "view_id": action["views"][0][0], "domain": str(action["domain"]),
        })
        self.start_tour(f"/odoo/action-{act.id}", "hocbaso_grid_entry", login="t_math", timeout=120)
        first = self.env["hocbaso.subject.result"].search(
            [("class_id", "=", self.class_a.id), ("subject_id.code", "=", "toan")])[:1]
        self.assertEqual((first.level_cn, first.score_cn), ("t", "7"))
