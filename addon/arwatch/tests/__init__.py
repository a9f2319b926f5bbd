from . import test_scoring
from . import test_collections
