"""A deployment's layout, small: gunicorn servers behind HAProxy, through PgBouncer, on a new database."""

import contextlib

from tests.conftest import TEST_AREAS, create_pg_database, drop_pg_database, prepare_database
from tests.haproxy import HAProxy
from tests.live import Server
from tests.pgbouncer import PgBouncer


@contextlib.contextmanager
def balanced(name, servers, workers=2, env=None, areas=TEST_AREAS, pool_size=10, timeout=60):
    """Yield (balancer, [servers], database URL, PgBouncer's URL of it); stop them all and drop the database after,
    also when starting one of them failed."""
    url = create_pg_database(name)
    bouncer, fleet, balancer = None, [], None
    try:
        prepare_database(url, areas=areas)
        bouncer = PgBouncer(pool_size=pool_size)
        fleet = [Server(bouncer.url(url), workers=workers, env=env, timeout=timeout) for _ in range(servers)]
        balancer = HAProxy([s.port for s in fleet], maxconn=fleet[0].concurrency)
        yield balancer, fleet, url, bouncer.url(url)
    finally:
        if balancer:
            balancer.stop()
        for s in fleet:
            s.stop()
        if bouncer:
            bouncer.stop()
        drop_pg_database(url)
