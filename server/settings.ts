import type { Kysely } from 'kysely';
import { SecretHasher } from './authz/hasher.ts';
import type { Database } from './storage/schema.ts';

// The HMAC key that turns secrets into stored hashes. KEYWARD_HMAC_KEY (base64, ≥ 32 bytes)
// keeps it outside the database — recommended in production, so a stolen database file alone
// cannot be used to test guessed tokens. Without it, a random key is created once and stored.

export async function loadOrCreateKey(db: Kysely<Database>): Promise<Buffer> {
  const fromEnv = process.env['KEYWARD_HMAC_KEY'];
  if (fromEnv) {
    const key = Buffer.from(fromEnv, 'base64');
    if (key.length < 32) throw new Error('KEYWARD_HMAC_KEY must be at least 32 bytes, base64-encoded.');
    return key;
  }
  const row = await db.selectFrom('settings').select('value').where('key', '=', 'hmac_key').executeTakeFirst();
  if (row) return Buffer.from(row.value, 'base64');
  const key = SecretHasher.generateKey();
  // Two instances starting on an empty PostgreSQL database race here; the loser reads the winner's key.
  try {
    await db
      .insertInto('settings')
      .values({ key: 'hmac_key', value: key.toString('base64') })
      .execute();
    return key;
  } catch (error) {
    const again = await db.selectFrom('settings').select('value').where('key', '=', 'hmac_key').executeTakeFirst();
    if (again) return Buffer.from(again.value, 'base64');
    throw error;
  }
}
