from odoo.addons.arwatch import compat
from odoo.addons.arwatch.tests.common import ArwatchCommon


class ArwatchSaleCommon(ArwatchCommon):
    """``ArwatchCommon`` whose test user also sells: 19.0's accounting test user has the groups
    of ``get_default_groups`` only (sales rights come with sale's own test classes)."""

    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("sales_team.group_sale_manager")


__all__ = ["ArwatchSaleCommon", "compat"]
