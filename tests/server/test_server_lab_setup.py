"""The README's set-up for a lab: a team role owns the database, each coder logs in as their own role (a member of
the team), whoever runs `rapport new` first makes the tables, and every other coder may then work in them."""

from __future__ import annotations

import uuid

from app.services import audit, codebook
from app.services.project import create_project, open_project


def test_a_team_role_owns_the_project_and_every_member_works_in_it(pg_cluster) -> None:
    tag = uuid.uuid4().hex[:8]
    team, ana, ben, database = f"team_{tag}", f"ana_{tag}", f"ben_{tag}", f"study_{tag}"
    pg_cluster.sql(f"CREATE ROLE {team} NOLOGIN")
    pg_cluster.sql(f"CREATE ROLE {ana} LOGIN IN ROLE {team}")
    pg_cluster.sql(f"CREATE ROLE {ben} LOGIN IN ROLE {team}")
    pg_cluster.sql(f"CREATE DATABASE {database} OWNER {team}")
    try:
        with create_project(pg_cluster.url(database, user=ana)) as project:
            codebook.add_code(project, "Trust")
        owners = pg_cluster.sql(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'", database
        ).split()
        assert owners == [team]
        with open_project(pg_cluster.url(database, user=ben)) as project:
            codebook.add_code(project, "Rupture")
            audit.record_event(project, "open", coder="Ben")
            assert [c.name for c in codebook.list_codes(project)] == ["Trust", "Rupture"]
            assert audit.verify(project).ok
    finally:
        pg_cluster.sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        for role in (ana, ben, team):
            pg_cluster.sql(f"DROP ROLE IF EXISTS {role}")
