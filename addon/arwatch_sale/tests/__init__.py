from . import test_sale_hold
