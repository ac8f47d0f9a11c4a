import { registry } from "@web/core/registry";

// A subject teacher enters the end-of-year level and test score of the first pupil in the class grid.
registry.category("web_tour.tours").add("hocbaso_grid_entry", {
    steps: () => [
        {
            content: "Open the first pupil's row for editing",
            trigger: ".o_list_renderer .o_data_row:first-child .o_data_cell[name=level_cn]",
            run: "click",
        },
        {
            content: "Grade 3 has no mid-term test in Toán: that score cell cannot be edited",
            trigger: ".o_data_row.o_selected_row .o_data_cell.o_readonly_modifier[name=score_gk1]",
        },
        {
            content: "Open the end-of-year level choices",
            trigger: ".o_data_row.o_selected_row .o_field_widget[name=level_cn] .o_select_menu_toggler",
            run: "click",
        },
        {
            content: "Choose 'Hoàn thành tốt' (Completed well)",
            trigger: ".o_select_menu_item:contains(Hoàn thành tốt), .o_select_menu_item:contains(Completed well)",
            run: "click",
        },
        {
            content: "Open the end-of-year score choices",
            trigger: ".o_data_row.o_selected_row .o_field_widget[name=score_cn] .o_select_menu_toggler",
            run: "click",
        },
        {
            content: "Choose the score 7",
            trigger: ".o_select_menu_item:contains(7)",
            run: "click",
        },
        {
            content: "Save the row",
            trigger: ".o_list_button_save",
            run: "click",
        },
        {
            content: "The row is saved",
            trigger: ".o_list_renderer:not(:has(.o_selected_row)) .o_data_row:first-child .o_data_cell[name=score_cn]:contains(7)",
        },
    ],
});
