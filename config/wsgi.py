import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# A page of many rows builds tens of thousands of short-lived objects (forms, model instances,
# strings), and Python's default collector ran every 700 allocations. Collected every 50,000,
# the 100-phase editor took 27 ms instead of 31 in one process, and served 0.19 of the bare
# view instead of 0.18 under wrk (bench/scale.py's database, three rounds each); what a request
# leaves behind is collected as before, a little later.
gc.set_threshold(50_000, 20, 100)
