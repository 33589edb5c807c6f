-- The rights of a socle ledger's roles on PostgreSQL (docs/postgresql.md, "Roles").
--
-- Run it as the ledger schema's owner (the role that opened the ledger first and so created its
-- schema, or a superuser), once per ledger, after that first Open and after each migration:
--
--   psql "postgresql://owner@db.internal/ccas" -v ON_ERROR_STOP=1 \
--     -v schema=socle_access_trail -v app=ccas_app -v auditor=ccas_auditor \
--     -f docs/postgresql-roles.sql
--
-- The two roles must exist (CREATE ROLE ccas_app LOGIN; CREATE ROLE ccas_auditor LOGIN;) and
-- must not own the schema: an owner may drop or disable the append-only triggers.
--
-- The application role appends (INSERT), moves the tree head (UPDATE of `tree`), saves engine
-- snapshots and runs the retention prune (UPDATE of the column `body` only, which the trigger
-- `entries_no_update` lets through only as "body to NULL, nothing else changed"). It may not
-- UPDATE any other column, DELETE or TRUNCATE: PostgreSQL refuses with SQLSTATE 42501 before
-- any trigger runs, and logs the statement. Any edit that gets past the rights (by the owner,
-- or a body set to other bytes by the application) is refused by the triggers, counted in the
-- sequence `refused_changes` (Verify reports the count) and logged.
--
-- The auditor reads everything (Verify, proofs, a person's history) and writes nothing.

BEGIN;

REVOKE ALL ON SCHEMA :"schema" FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA :"schema" FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA :"schema" FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA :"schema" FROM :"app", :"auditor";
REVOKE ALL ON ALL SEQUENCES IN SCHEMA :"schema" FROM :"app", :"auditor";

GRANT USAGE ON SCHEMA :"schema" TO :"app", :"auditor";
GRANT SELECT ON ALL TABLES IN SCHEMA :"schema" TO :"app", :"auditor";
GRANT SELECT ON SEQUENCE :"schema".refused_changes TO :"app", :"auditor";

-- The application: appends, the tree head, snapshots, the ledger's identity, the prune.
GRANT INSERT ON :"schema".entries, :"schema".subtrees, :"schema".leaf_tiles,
                :"schema".checkpoints, :"schema".snapshots, :"schema".meta TO :"app";
GRANT UPDATE ON :"schema".tree TO :"app";
GRANT UPDATE (bytes, note) ON :"schema".snapshots TO :"app";
GRANT UPDATE (body) ON :"schema".entries TO :"app";

COMMIT;
