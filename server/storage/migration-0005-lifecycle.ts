import { type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

// Credential lifecycle (DESIGN §3 rules 12–15): the leaked marker and the notification marks on
// credentials, usage counters per minute and per hour, webhooks with their durable outbox and
// delivery log. The lifetime policy lives in `settings` like the issuance policy.

export const lifecycleMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('credentials').addColumn('leaked_at', 'text').execute();
    // When the credential.expiring / credential.expired events were queued (once each).
    await db.schema.alterTable('credentials').addColumn('expiring_notified_at', 'text').execute();
    await db.schema.alterTable('credentials').addColumn('expired_notified_at', 'text').execute();

    // One row per credential, bucket and reason; "" is the credential id of unknown tokens.
    for (const table of ['usage_minute', 'usage_hour']) {
      await db.schema
        .createTable(table)
        .addColumn('credential_id', 'text', (c) => c.notNull())
        .addColumn('bucket', 'integer', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint(`${table}_pk`, ['credential_id', 'bucket', 'reason'])
        .execute();
      await db.schema.createIndex(`${table}_bucket`).on(table).column('bucket').execute();
    }

    await db.schema
      .createTable('webhooks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('webhook_outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('webhook_id', 'text', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('locked_by', 'text')
      .addColumn('locked_until', 'text')
      .addColumn('last_status', 'integer')
      .addColumn('last_error', 'text')
      .execute();
    await db.schema.createIndex('webhook_outbox_due').on('webhook_outbox').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('webhook_outbox_webhook').on('webhook_outbox').columns(['webhook_id', 'created_at']).execute();
    await db.schema
      .createTable('webhook_attempts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('outbox_id', 'text', (c) => c.notNull().references('webhook_outbox.id').onDelete('cascade'))
      .addColumn('webhook_id', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('error', 'text')
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('webhook_attempts_outbox').on('webhook_attempts').columns(['outbox_id', 'at']).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of ['webhook_attempts', 'webhook_outbox', 'webhooks', 'usage_hour', 'usage_minute']) {
      await sql`drop table if exists ${sql.table(table)}`.execute(db);
    }
    for (const column of ['expired_notified_at', 'expiring_notified_at', 'leaked_at']) {
      await db.schema.alterTable('credentials').dropColumn(column).execute();
    }
  },
};
