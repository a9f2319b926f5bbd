import sys
from pathlib import Path

# Test helpers (ledgers.py, the QuickBooks stand-in) import by their plain names.
sys.path.insert(0, str(Path(__file__).parent))
