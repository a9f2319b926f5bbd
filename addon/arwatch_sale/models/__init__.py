from . import payment_transaction, sale_order, sale_order_line
