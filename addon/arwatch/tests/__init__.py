from . import test_scoring
from . import test_collections
from . import test_sync_api
from . import test_hold_guard
from . import test_company_walls
from . import test_series
from . import test_morning
from . import test_tour_morning
