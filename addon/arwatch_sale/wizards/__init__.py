from . import arwatch_sale_override
