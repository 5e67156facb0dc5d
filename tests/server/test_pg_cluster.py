"""The test cluster itself: a real PostgreSQL server that psycopg reaches on 127.0.0.1, one database per test."""

import psycopg


def test_each_test_gets_its_own_empty_database(pg_url, pg_cluster):
    with psycopg.connect(pg_url) as connection:
        tables = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]
        version = connection.execute("SHOW server_version_num").fetchone()[0]
    assert tables == 0
    assert int(version) >= 130000
    assert pg_url.rsplit("/", 1)[-1] in pg_cluster.sql("SELECT datname FROM pg_database")
