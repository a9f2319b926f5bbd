from . import test_sale_hold
from . import test_sale_hold_rpc
from . import test_sale_hold_payment
from . import test_sale_order_volume
from . import test_sale_hold_bypass
from . import test_sale_hold_way_out
from . import test_sale_hold_debtor
from . import test_sale_hold_branches
