"""PostgreSQL roles: one migration owner, one role per service with only the privileges it uses.

- `percorsi_owner` (NOLOGIN) owns every database, table, view, sequence and function; the
  migrations run as it (`SET ROLE`) from the bootstrap's administrative connection.
- `percorsi_<service>` (LOGIN) is what the service connects as: CONNECT on its own database only,
  SELECT/INSERT/UPDATE/DELETE on its tables, USAGE on its sequences, nothing on another service's
  database, no DDL (it owns nothing, so it cannot ALTER, DROP, TRUNCATE or disable a trigger), and
  what `services/<service>/privileges.sql` takes away on top (intake: the audit log is
  insert-and-read only).

Why not the superuser: a service that owns its tables can switch off its own audit log
(`ALTER TABLE pii_access_log DISABLE TRIGGER ...; DELETE ...`)."""

from __future__ import annotations

from pathlib import Path

import asyncpg

OWNER = "percorsi_owner"


def service_role(service: str) -> str:
    return f"percorsi_{service}"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def ensure_roles(server_dsn: str, services: list[str], passwords: dict[str, str | None]) -> None:
    """Create the owner and the service roles if missing; set a service role's password when given."""
    conn = await asyncpg.connect(server_dsn)
    try:
        for role, login in [(OWNER, False), *((service_role(s), True) for s in services)]:
            if not await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
                await conn.execute(f"CREATE ROLE {_quote(role)} {'LOGIN' if login else 'NOLOGIN'} "
                                   "NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOBYPASSRLS")
        # The administrative user must be able to SET ROLE to the owner (a superuser always can).
        await conn.execute(f"GRANT {_quote(OWNER)} TO CURRENT_USER")
        for service, password in passwords.items():
            if password:
                await conn.execute(f"ALTER ROLE {_quote(service_role(service))} PASSWORD "
                                   f"{_literal(password)}")
    finally:
        await conn.close()


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def own_database(server_dsn: str, database: str) -> None:
    """The owner owns the database; no one else may connect unless granted."""
    conn = await asyncpg.connect(server_dsn)
    try:
        await conn.execute(f"ALTER DATABASE {_quote(database)} OWNER TO {_quote(OWNER)}")
        await conn.execute(f"REVOKE ALL ON DATABASE {_quote(database)} FROM PUBLIC")
    finally:
        await conn.close()


_OWN_OBJECTS = """
ALTER SCHEMA public OWNER TO percorsi_owner;
DO $$
DECLARE r record;
BEGIN
    -- Objects made before the roles existed (an older bootstrap, as the superuser) pass to the owner.
    FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'S', 'p', 'm')
               AND pg_get_userbyid(c.relowner) <> 'percorsi_owner'
               AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid
                                                    AND d.deptype IN ('a', 'i')))
    LOOP
        EXECUTE format('ALTER %s %I OWNER TO percorsi_owner',
                       CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'S' THEN 'SEQUENCE'
                                      WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, r.relname);
    END LOOP;
    FOR r IN SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> 'percorsi_owner'
    LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO percorsi_owner', r.fn);
    END LOOP;
END $$;
"""


async def take_ownership(conn: asyncpg.Connection) -> None:
    """Run on the administrative connection, before migrating as the owner."""
    await conn.execute(_OWN_OBJECTS)


def grants(database: str, service: str, service_dir: Path) -> str:
    """The service role's privileges on its database, after every migration run (idempotent)."""
    role = _quote(service_role(service))
    extra = service_dir / "privileges.sql"
    own = extra.read_text().replace(":role", role) if extra.exists() else ""
    return f"""
        GRANT CONNECT, TEMPORARY ON DATABASE {_quote(database)} TO {role};
        REVOKE CREATE ON SCHEMA public FROM PUBLIC;
        DO $grants$
        DECLARE s text;
        BEGIN
            -- Every schema the migrations made (public, and e.g. reporting's generations), not the catalogs.
            FOR s IN SELECT nspname FROM pg_namespace
                     WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
            LOOP
                EXECUTE format('GRANT USAGE ON SCHEMA %I TO %s', s, {_literal(role)});
                EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %s', s,
                               {_literal(role)});
                EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %s', s, {_literal(role)});
            END LOOP;
        END $grants$;
        REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM {role};
        {own}
    """
