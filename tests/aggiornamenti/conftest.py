from tests.integration import *  # noqa: F401,F403
