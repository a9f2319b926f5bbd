from . import arwatch_sale_override
from . import arwatch_sale_hold
