from . import arwatch_call_outcome
from . import arwatch_hold_override
