"""Benchmarks and the synthetic-data generator (outside pytest's testpaths: never collected)."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> str:
    """Configure Django with the test settings and migrate; returns a label of the database.

    PostgreSQL when DATABASE_URL is set, else SQLite in $WAISHI_DATA_DIR (default: a fixed
    folder under the temp dir, so a second run reuses the generated data).
    """
    for path in (str(ROOT / "src"), str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    if not os.environ.get("DATABASE_URL"):
        data_dir = Path(tempfile.gettempdir()) / "waishi-bench"
        data_dir.mkdir(exist_ok=True)
        os.environ.setdefault("WAISHI_DATA_DIR", str(data_dir))

    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0)
    return f"{connection.vendor} {connection.settings_dict['NAME']}"
