from odoo import api, models

from .. import compat


class ResGroups(models.Model):
    _inherit = "res.groups"

    @api.model
    def _arwatch_setup_series(self):
        """Called by data/arwatch_series_data.xml on every install and update."""
        compat.setup_series(self.env)
