"""Superset's configuration for the peer benchmark (read by Superset through SUPERSET_CONFIG_PATH).

Everything machine-specific comes from the environment that ``bench.peer.superset`` sets:
the secret is generated on first run and kept under test-output/, never in the repository.
"""

import os

_HOME = os.environ["OVERSIGHT_PEER_HOME"]

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]
SQLALCHEMY_DATABASE_URI = "sqlite:///" + os.path.join(_HOME, "superset.db")

# Warm means warm for both products: Oversight keeps query results per filter in the process, so Superset
# gets a results cache too (on disk, shared by its gunicorn workers) instead of its default of none.
DATA_CACHE_CONFIG = {
    "CACHE_TYPE": "FileSystemCache",
    "CACHE_DIR": os.path.join(_HOME, "cache", "data"),
    "CACHE_DEFAULT_TIMEOUT": 24 * 3600,
    "CACHE_KEY_PREFIX": "peer_data_",
}
CACHE_CONFIG = {
    "CACHE_TYPE": "FileSystemCache",
    "CACHE_DIR": os.path.join(_HOME, "cache", "metadata"),
    "CACHE_DEFAULT_TIMEOUT": 24 * 3600,
    "CACHE_KEY_PREFIX": "peer_meta_",
}

# Oversight's local mode shows the dashboard without a sign-in; Superset's equivalent is an anonymous
# viewer with Gamma's rights (the datasource grant is added by bench.peer.superset after `superset init`).
PUBLIC_ROLE_LIKE = "Gamma"

# Warnings and errors only: a log line per request would cost the peer time Oversight's server does not spend.
LOG_LEVEL = "WARNING"
