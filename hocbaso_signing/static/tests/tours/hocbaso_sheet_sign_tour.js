import { registry } from "@web/core/registry";

// The math teacher (Lê Văn Toán) enters the missing levels of class 3A in the Toán grid, saves, then signs
// the class's Toán subject sheet with the PKCS#12 password. Selectors do not depend on the UI language
// (the CI runs in vi_VN): menus by xmlid, buttons and fields by name, level choices by their position in
// the selection (0 = "t" Hoàn thành tốt / Completed well, 1 = "h" Hoàn thành / Completed).
const PASSWORD = "mat-khau-thu";
const POINTS = ["gk1", "ck1", "gk2", "cn"];
// Row (pupil, sorted by name) -> level choice index per point. Must match test_ui_sign.py.
const LEVELS = {
    1: { gk1: 1, ck1: 0, gk2: 0, cn: 0 }, // Nguyễn Văn An: h, t, t, t
    2: { gk1: 1, ck1: 1, gk2: 0, cn: 1 }, // Trần Thị Bình: h, h, t, h
};

function row(n) {
    return `.o_list_renderer .o_data_row:nth-child(${n})`;
}

function enterLevel(n, point) {
    return [
        {
            content: `Row ${n}: the ${point} level is empty, open it for editing`,
            trigger: `${row(n)} .o_data_cell[name=level_${point}]:empty`,
            run: "click",
        },
        {
            content: `Row ${n}: open the ${point} level choices`,
            trigger: `${row(n)}.o_selected_row .o_field_widget[name=level_${point}] .o_select_menu_toggler`,
            run: "click",
        },
        {
            content: `Row ${n}: choose level #${LEVELS[n][point]} at ${point}`,
            trigger: `.o_select_menu_menu .o_select_menu_item[data-choice-index="${LEVELS[n][point]}"]`,
            run: "click",
        },
        {
            content: `Row ${n}: the ${point} level is set`,
            trigger: `${row(n)}.o_selected_row .o_field_widget[name=level_${point}] input.o_select_menu_toggler:value(/\\S/)`,
        },
    ];
}

registry.category("web_tour.tours").add("hocbaso_sheet_sign", {
    steps: () => [
        // ---------------------------------------------------------------- grid entry
        {
            content: "My teaching assignments: open the Toán grid of class 3A",
            trigger: ".o_list_renderer .o_data_row:has(.o_data_cell[name=class_id]:contains(3A)) button[name=action_open_grid]",
            run: "click",
        },
        {
            content: "The grid of the class shows its two pupils",
            trigger: ".o_list_renderer.o_hocbaso_grid, .o_hocbaso_grid .o_list_renderer, .o_list_view.o_hocbaso_grid",
        },
        {
            content: "Exactly two rows (the pupils of 3A in Toán)",
            trigger: `.o_list_renderer:has(.o_data_row:nth-child(2)):not(:has(.o_data_row:nth-child(3)))`,
        },
        ...[1, 2].flatMap((n) => POINTS.flatMap((point) => enterLevel(n, point))),
        {
            content: "Save the grid",
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            content: "The grid is saved: no row in edition, every level of both pupils filled",
            trigger: ".o_list_renderer:not(:has(.o_selected_row)) .o_data_row:nth-child(2) .o_data_cell[name=level_cn]:not(:empty)",
        },
        {
            content: "No unsaved change is left",
            trigger: ".o_control_panel:not(:has(.o_list_button_save))",
        },
        // ---------------------------------------------------------------- subject sheet
        {
            content: "Open the Signing menu",
            trigger: ".o_main_navbar [data-menu-xmlid='hocbaso_signing.menu_hocbaso_signing']",
            run: "click",
        },
        {
            content: "Open the subject sheets",
            trigger: "[data-menu-xmlid='hocbaso_signing.menu_hocbaso_subject_sheets']",
            run: "click",
        },
        {
            content: "Open the 3A sheet of the math teacher (Toán)",
            trigger: ".o_list_renderer .o_data_row:has(.o_data_cell[name=class_id]:contains(3A)):has(.o_data_cell[name=teacher_id]:contains(Lê Văn Toán)) .o_data_cell[name=subject_id]",
            run: "click",
        },
        {
            content: "The sheet is a draft",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=draft]",
        },
        {
            content: "Click Sign",
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_open_sign_wizard]",
            run: "click",
        },
        // ---------------------------------------------------------------- sign wizard (dialog)
        {
            content: "The wizard signs one eligible sheet",
            trigger: ".modal .o_form_view .o_field_widget[name=eligible_count]:contains(1)",
        },
        {
            content: "The role is fixed to subject teacher",
            trigger: ".modal .o_field_widget[name=role].o_readonly_modifier",
        },
        {
            content: "The teacher's own certificate is pre-selected",
            trigger: ".modal .o_field_widget[name=certificate_id] input:value(Lê Văn Toán)",
        },
        {
            content: "Type the password of the certificate",
            trigger: ".modal .o_field_widget[name=secret] input[type=password]",
            run: `edit ${PASSWORD}`,
        },
        {
            content: "Sign all",
            trigger: ".modal .modal-footer button[name=action_sign]",
            run: "click",
        },
        {
            content: "The wizard closes",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The sheet shows the signed state",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=signed]",
        },
        {
            content: "The sheet records the subject teacher's signature and can no longer be signed",
            trigger: ".o_form_view:not(:has(button[name=action_open_sign_wizard])) .o_field_widget[name=signed_roles]:contains(subject_teacher)",
        },
    ],
});
