"""gunicorn settings read from the project folder (the Procfile, `make run` and the tests start gunicorn here)."""

from server.gunicorn_errors import install

# gunicorn's own errors (e.g. a request line over 8,190 bytes: 414) are problem bodies like the app's.
install()
