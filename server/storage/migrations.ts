import { type Kysely, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import { lifecycleMigration } from './migration-0005-lifecycle.ts';
import { canonicalCidr } from '../../shared/domain/cidr.ts';
import { nameSkeleton } from '../../shared/domain/names.ts';

// Versioned migrations, written with Kysely's schema builder so they run unchanged on SQLite and
// PostgreSQL. Never edit a released migration; add the next one.

const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('catalog_groups')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('catalog_actions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('group_id', 'text', (c) => c.notNull().references('catalog_groups.id').onDelete('cascade'))
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('routes', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('catalog_actions_group').on('catalog_actions').columns(['group_id', 'position']).execute();

      await db.schema
        .createTable('roles')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('actions', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull().unique())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('groups', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('credentials')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
        .addColumn('previous_hash', 'text')
        .addColumn('previous_valid_until', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('last_used_at', 'text')
        .addColumn('allowed_cidrs', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('credentials_listing').on('credentials').columns(['created_at', 'id']).execute();
      await db.schema.createIndex('credentials_owner').on('credentials').column('owner_id').execute();
      await db.schema.createIndex('credentials_previous_hash').on('credentials').column('previous_hash').execute();

      await db.schema
        .createTable('credential_roles')
        .addColumn('credential_id', 'text', (c) => c.notNull().references('credentials.id').onDelete('cascade'))
        .addColumn('role_id', 'text', (c) => c.notNull().references('roles.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('credential_roles_pk', ['credential_id', 'role_id'])
        .execute();
      await db.schema.createIndex('credential_roles_role').on('credential_roles').columns(['role_id', 'credential_id']).execute();

      await db.schema
        .createTable('groups')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('default_roles', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('backends')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_key', 'text', (c) => c.notNull().unique())
        .addColumn('frontend_prefix', 'text', (c) => c.notNull().unique())
        .addColumn('required_roles', 'text', (c) => c.notNull())
        .addColumn('sub_settings', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('audit')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_type', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text')
        .addColumn('before', 'text')
        .addColumn('after', 'text')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of [
        'audit',
        'backends',
        'groups',
        'credential_roles',
        'credentials',
        'users',
        'roles',
        'catalog_actions',
        'catalog_groups',
        'settings',
      ]) {
        await sql`drop table if exists ${sql.table(table)}`.execute(db);
      }
    },
  },
  // DESIGN §3.4: backends match case-insensitively unless they say otherwise; existing ones too.
  '0002_backend_case_sensitive': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('backends')
        .addColumn('case_sensitive', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('backends').dropColumn('case_sensitive').execute();
    },
  },
  // Role names that look alike (UTS #39-style skeleton, shared/domain/names.ts) count as taken;
  // the skeleton is kept beside the name so a write compares without recomputing every role's.
  '0003_role_name_skeleton': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('roles')
        .addColumn('name_skeleton', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      const roles = db as unknown as Kysely<{ roles: { id: string; name: string; name_skeleton: string } }>;
      for (const { id, name } of await roles.selectFrom('roles').select(['id', 'name']).execute())
        await roles
          .updateTable('roles')
          .set({ name_skeleton: nameSkeleton(name) })
          .where('id', '=', id)
          .execute();
      await db.schema.createIndex('roles_name_skeleton').on('roles').column('name_skeleton').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('roles_name_skeleton').ifExists().execute();
      await db.schema.alterTable('roles').dropColumn('name_skeleton').execute();
    },
  },
  /**
   * PostgreSQL's change feed records every announced change with the writing transaction's id,
   * so an instance whose LISTEN connection dropped reloads only what committed meanwhile
   * (server/storage/postgres/change-feed.ts). Rows older than an hour are pruned. SQLite has the
   * table too (one schema for both) but never writes it: its feed is in-process.
   */
  '0004_change_events': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('change_events')
        .addColumn('xid', 'bigint', (c) => c.notNull())
        .addColumn('at', 'timestamptz', (c) => c.notNull())
        .addColumn('events', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('change_events_xid').on('change_events').column('xid').execute();
      await db.schema.createIndex('change_events_at').on('change_events').column('at').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('change_events').ifExists().execute();
    },
  },
  '0005_lifecycle': lifecycleMigration,
  /**
   * CIDRs saved before they were canonicalised (DESIGN §3 rule 10) are stored and shown in their
   * one spelling: network address, lower-case compressed IPv6, an IPv4-mapped range as IPv4, no
   * /32 or /128. A spelling parsers disagree on (leading zeros) has no canonical form and is kept
   * as it was: the cache ignores it (that range matches nothing, fail closed) and the credential
   * editor asks for a valid one before the credential can be saved again.
   */
  '0006_canonical_cidrs': {
    async up(db: Kysely<unknown>) {
      const credentials = db as unknown as Kysely<{ credentials: { id: string; allowed_cidrs: string } }>;
      const rows = await credentials.selectFrom('credentials').select(['id', 'allowed_cidrs']).where('allowed_cidrs', '!=', '[]').execute();
      for (const { id, allowed_cidrs } of rows) {
        let stored: unknown;
        try {
          stored = JSON.parse(allowed_cidrs);
        } catch {
          continue;
        }
        if (!Array.isArray(stored)) continue;
        const canonical = stored.map((c) => (typeof c === 'string' ? (canonicalCidr(c) ?? c) : c));
        const unique = [...new Set(canonical)];
        const next = JSON.stringify(unique);
        if (next !== allowed_cidrs)
          await credentials.updateTable('credentials').set({ allowed_cidrs: next }).where('id', '=', id).execute();
      }
    },
    async down() {
      // The canonical spellings are valid input to every earlier release: nothing to undo.
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema to (or back to) the named migration: upgrade tests start from an older schema. */
export async function migrateTo(db: Kysely<unknown>, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateTo(name);
  if (error) throw error;
}

/** Brings the schema to the latest version; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${failed} failed: ${(error as Error).message ?? String(error)}`);
  }
}
