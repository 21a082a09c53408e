"""Settings of bench/scale.py's gunicorn only: the product's, with the benchmark's URLconf."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.scale_urls"
