"""A crawl spread over machines, on Redis: the coordinator (`clinicwatch crawl --redis`) seeds a run
and is the only writer of the SQLite file; workers (`clinicwatch worker --redis`) lease sites,
crawl them with the project's spider, middlewares and per-page pipeline stages, and send every
database write back through Redis. See crawler/distributed/runstate.py for the keys."""
