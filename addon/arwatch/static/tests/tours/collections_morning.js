/** A credit controller's morning: open the worklist, log a call with a promise, snooze a
 * customer, see the list change (run by tests/test_tour_morning.py). */
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("arwatch_collections_morning", {
    url: "/odoo/action-arwatch.action_worklist",
    steps: () => [
        {
            content: "The worklist opens on today's tasks, the most money at risk first",
            trigger: ".o_list_view .o_data_row:first-child td[name=partner_id]:contains(Ghost Trading)",
        },
        {
            content: "Call the first customer and log the outcome",
            trigger: ".o_data_row:first-child button[name=action_log_outcome]",
            run: "click",
        },
        {
            content: "The customer promised to pay",
            trigger: ".modal .o_field_widget[name=outcome] input[data-value=promise]",
            run: "click",
        },
        {
            content: "A date a week ahead is proposed; the promised amount",
            trigger: ".modal .o_field_widget[name=promise_amount] input",
            run: "edit 500",
        },
        {
            content: "Log it",
            trigger: ".modal button[name=action_log]",
            run: "click",
        },
        {
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "Ghost Trading's call is done and the promise pauses its ladder: it left today's list",
            trigger: ".o_list_view:not(:has(td[name=partner_id]:contains(Ghost Trading)))",
        },
        {
            content: "Snooze Late Payer for a week",
            trigger: ".o_data_row:has(td[name=partner_id]:contains(Late Payer)) button[name=action_snooze]",
            run: "click",
        },
        {
            content: "Late Payer left today's list",
            trigger: ".o_list_view:not(:has(td[name=partner_id]:contains(Late Payer)))",
        },
    ],
});
