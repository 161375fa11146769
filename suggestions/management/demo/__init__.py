"""The demo data set built by ``manage.py seed_demo``: data, people, the showcase replay, the current session."""
