-- The rights of the roles of a socle vault on PostgreSQL, schema socle_vault (docs/postgresql.md,
-- "Roles" and "The vault on PostgreSQL"; the tables are those of src/vault/pg_key_store.cc).
--
-- Run it as the schema's owner (the role whose first Vault::Open created socle_vault, or a
-- superuser), once per database, after that first Open and after each migration:
--
--   psql "postgresql://owner@db.internal/ccas" -v ON_ERROR_STOP=1 \
--     -v app=ccas_app -v auditor=ccas_auditor -f docs/postgresql-vault-roles.sql
--
-- `auditor` is optional. The roles must exist and must not own the schema: an owner may drop
-- the tables, plant a trigger that re-inserts shredded keys, or read every wrapped key.
--
-- The application role (every application server's vault) gets exactly what pg_key_store.cc
-- runs: SELECT on every table; INSERT of new keys, secrets, shreds, retirements and reversal
-- counts; UPDATE of `writer.generation` (the writer lock is `SELECT ... FOR UPDATE` of that row,
-- which needs an UPDATE right, and every shred and re-wrap moves the generation on), of
-- `master_version` and `wrapped` of the four key tables (RotateMasterKey re-wraps), of
-- `meta.value` (the rotation floor's upsert) and of the reversal counts; DELETE of a person's
-- keys (ShredPerson), of a pseudonymisation secret (DestroyPseudonymSecret), of the pending
-- shreds it has finished and of expired reversal counts; USAGE of the bigserial sequences. It may
-- not DELETE a tenant key, a ledger secret, a shredded person (which would let a shredded person
-- get a new key silently) or a retirement, TRUNCATE, ALTER or DROP a table, create a trigger or
-- a rule, or create anything in the schema: PostgreSQL refuses with SQLSTATE 42501 and logs the
-- statement (socle reports PERMISSION_DENIED).
--
-- VACUUM is the owner's: after a shred (and a rotation), socle runs `VACUUM person_keys` best
-- effort; as the application role, PostgreSQL answers with a warning ("only table or database
-- owner can vacuum it"), the shred still succeeds, and autovacuum (which runs as a superuser)
-- prunes the dead tuples later. A deployment that wants the wrapped key's tuple pruned at once
-- runs `VACUUM socle_vault.person_keys` as the owner after its erasure requests (docs/postgresql.md,
-- "Crypto-shredding: what PostgreSQL keeps, and for how long").
--
-- The auditor (the role that reads the trail, docs/postgresql-roles.sql) gets nothing here, not
-- even USAGE of the schema: the vault holds wrapped keys and person tags only, nothing an audit
-- reads, and an auditor who could copy the wrapped keys would hold every person's data once a
-- master key version leaked. Its Vault::Open fails with PERMISSION_DENIED.

BEGIN;

REVOKE ALL ON SCHEMA socle_vault FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA socle_vault FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA socle_vault FROM PUBLIC;
REVOKE ALL ON SCHEMA socle_vault FROM :"app";
REVOKE ALL ON ALL TABLES IN SCHEMA socle_vault FROM :"app";
REVOKE ALL ON ALL SEQUENCES IN SCHEMA socle_vault FROM :"app";

GRANT USAGE ON SCHEMA socle_vault TO :"app";
GRANT SELECT ON ALL TABLES IN SCHEMA socle_vault TO :"app";
GRANT USAGE ON ALL SEQUENCES IN SCHEMA socle_vault TO :"app";

-- New keys and secrets, shreds, retirements, reversal counts, the key id and rotation floor.
GRANT INSERT ON socle_vault.meta, socle_vault.tenant_keys, socle_vault.person_keys,
                socle_vault.pseudonym_secrets, socle_vault.ledger_secrets,
                socle_vault.pending_shreds, socle_vault.shredded_persons,
                socle_vault.pseudonym_retirements, socle_vault.reversal_counts TO :"app";
-- The writer lock and the key generation.
GRANT UPDATE (generation) ON socle_vault.writer TO :"app";
-- The rotation floor (INSERT ... ON CONFLICT (name) DO UPDATE SET value).
GRANT UPDATE (value) ON socle_vault.meta TO :"app";
-- RotateMasterKey's re-wrap.
GRANT UPDATE (master_version, wrapped) ON socle_vault.tenant_keys, socle_vault.person_keys,
                                          socle_vault.pseudonym_secrets,
                                          socle_vault.ledger_secrets TO :"app";
-- The reversal counts' upsert.
GRANT UPDATE (window_nanos, window_index, previous_count, current_count, expires_at)
  ON socle_vault.reversal_counts TO :"app";
-- ShredPerson, DestroyPseudonymSecret, the finished pending shreds, expired reversal counts.
GRANT DELETE ON socle_vault.person_keys, socle_vault.pseudonym_secrets,
                socle_vault.pending_shreds, socle_vault.reversal_counts TO :"app";

\if :{?auditor}
REVOKE ALL ON SCHEMA socle_vault FROM :"auditor";
REVOKE ALL ON ALL TABLES IN SCHEMA socle_vault FROM :"auditor";
REVOKE ALL ON ALL SEQUENCES IN SCHEMA socle_vault FROM :"auditor";
\endif

COMMIT;
