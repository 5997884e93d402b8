# celery_eager, commit and outbox come from tests/conftest.py; the worker and simulator fixtures from
# tests/integration.py (for test_worker.py).
from tests.integration import *  # noqa: F401,F403
