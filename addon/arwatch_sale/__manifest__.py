{
    "name": "Collections early warning: credit hold on sales",
    "summary": "Refuse confirming sale orders of customers on credit hold (UI, RPC, copy, portal)",
    "version": "1.1.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "arwatch",
    "website": "https://github.com/arwatch/arwatch",
    "depends": ["arwatch", "sale"],
    "external_dependencies": {"python": ["arwatch"]},
    "data": [
        "security/ir.model.access.csv",
        "views/sale_order_views.xml",
        "wizards/arwatch_sale_override_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
