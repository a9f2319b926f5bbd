from . import test_sale_hold
from . import test_sale_hold_rpc
