import type { LifetimePolicy } from '../domain/lifecycle.ts';
import type { ErrorCode } from '../api/errors.ts';
import type { Credential, Explanation, Id, Role, Timestamp } from '../domain/types.ts';
import type { Webhook } from '../domain/lifecycle.ts';

// Result and event shapes of the IPC contract (shared/ipc/contract.ts) that are not plain server
// objects. Server data itself (Role, Credential, ...) keeps its shared/domain type.

/** Codes the desktop app adds to the server's (shared/api/errors.ts). */
export const CLIENT_ERROR_CODES = [
  'invalid_argument',
  'unknown_method',
  'forbidden_sender',
  'keychain_unavailable',
  'profile_not_found',
  'not_connected',
  'offline',
  'timeout',
  'tls_error',
  'insecure_url',
  'certificate_unconfirmed',
  'certificate_changed',
  'secret_expired',
  'clipboard_unavailable',
  'draft_not_found',
  'unresolved_conflicts',
  'plan_outdated',
  'invalid_file',
  'local_server_failed',
  'bad_response',
] as const;
export type ClientErrorCode = (typeof CLIENT_ERROR_CODES)[number];
export type IpcErrorCode = ErrorCode | ClientErrorCode;

/**
 * What every KeywardApi method rejects with: a plain value (not an Error instance, so it survives
 * structured cloning through contextBridge and JSON over the browser host unchanged).
 */
export interface IpcError {
  code: IpcErrorCode;
  /** A sentence a user can act on; never holds a secret. */
  message: string;
  details?: Record<string, unknown>;
}

export function isIpcError(value: unknown): value is IpcError {
  const v = value as IpcError | null;
  return typeof v === 'object' && v !== null && typeof v.code === 'string' && typeof v.message === 'string';
}

// Profiles and session

export interface Profile {
  id: Id;
  name: string;
  /** Base URL of the backend, e.g. "https://keyward.example.com". */
  url: string;
  /** 'local' is the embedded backend the app starts itself. */
  kind: 'remote' | 'local';
  /** SHA-256 fingerprint of the pinned TLS certificate ("AB:CD:…"), null until confirmed or for http. */
  fingerprint: string | null;
  /** Explicit per-profile opt-in to plain HTTP to a non-loopback host. */
  allowInsecureHttp: boolean;
  /** Whether the keychain holds this profile's admin token (the token itself never leaves main). */
  hasToken: boolean;
  createdAt: Timestamp;
}

export interface CertificateInfo {
  /** SHA-256 over the DER certificate, upper-case hex pairs joined by ":". */
  fingerprint: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
}

export interface ConnectionTest {
  reachable: boolean;
  serverVersion: string | null;
  /** The certificate the server presented (https only). */
  certificate: CertificateInfo | null;
  /** match: equals the pinned one; unpinned: needs confirmation first; mismatch: refused; none: plain http. */
  pin: 'match' | 'unpinned' | 'mismatch' | 'none';
  /** Whether the token was accepted (null when no token was given or the server was not reached). */
  authenticated: boolean | null;
  error: IpcError | null;
}

export type ConnectionState = 'disconnected' | 'connecting' | 'online' | 'offline';

export interface SessionStatus {
  profileId: Id | null;
  profileName: string | null;
  state: ConnectionState;
  serverVersion: string | null;
  /** When catalog, roles, credentials and backends were last fetched from the server. */
  syncedAt: Timestamp | null;
  /** Why the session is offline or disconnected, when it is not by choice. */
  error: IpcError | null;
  /**
   * The credential whose token this session connects with (matched by display prefix at sync),
   * so the console can warn before a change that takes its own permissions away; null if unknown.
   */
  credentialId: Id | null;
  /** The admin chose "Work offline": nothing is sent to the server until they switch it off. */
  workingOffline: boolean;
}

/** The status with no profile chosen: what main starts with and returns to on disconnect, and what the page shows before main answers. */
export const NO_SESSION: Readonly<SessionStatus> = Object.freeze({
  profileId: null,
  profileName: null,
  state: 'disconnected',
  serverVersion: null,
  syncedAt: null,
  error: null,
  credentialId: null,
  workingOffline: false,
});

export interface LocalServerStatus {
  running: boolean;
  url: string | null;
  profileId: Id | null;
  /** Folder of the SQLite database. */
  dataDir: string;
}

// One-time secrets

/** What the renderer gets instead of a secret: a short-lived handle and a masked preview. */
export interface SecretHandle {
  id: string;
  /** e.g. "kw_AbC1dE••••••••••••••••"; never enough to use. */
  masked: string;
  expiresAt: Timestamp;
}

export interface IssuedCredential {
  credential: Credential;
  secretHandle: SecretHandle;
}

/** A created webhook; its signing secret (whsec_…) is held in main under the handle, like a token. */
export interface IssuedWebhook {
  webhook: Webhook;
  secretHandle: SecretHandle;
}

export const COPY_FORMATS = ['token', 'header', 'curl', 'env'] as const;
export type CopyFormat = (typeof COPY_FORMATS)[number];

export interface CopyResult {
  format: CopyFormat;
  /** When the clipboard will be cleared (if it still holds this text), null when clearing is off. */
  clearsAt: Timestamp | null;
  /** Whether the clipboard entry was marked concealed for clipboard managers on this OS. */
  concealed: boolean;
}

// Drafts (offline role editing)

export interface RoleContent {
  name: string;
  description: string;
  actions: string[];
}

/** A server role as cached when editing started: the merge base of an update or delete. */
export type DraftBase = RoleContent & { version: number };

interface DraftCommon {
  draftId: string;
  editedAt: Timestamp;
}

/**
 * One offline change, told apart by `op`: a create has content and no server role; an update has
 * the role it edits, its base and the content; a delete has the role and its base.
 */
export type DraftRole =
  | (DraftCommon & { op: 'create'; roleId: null; base: null; draft: RoleContent })
  | (DraftCommon & { op: 'update'; roleId: Id; base: DraftBase; draft: RoleContent })
  | (DraftCommon & { op: 'delete'; roleId: Id; base: DraftBase; draft: null });

export interface DraftSet {
  profileId: Id;
  /** When the cached catalog and roles the drafts are based on were fetched. */
  syncedAt: Timestamp | null;
  catalogVersion: number | null;
  roles: DraftRole[];
  /** drafts.import only: what the YAML reader warned about, as code and position (never file content). */
  importWarnings?: string[];
}

export const CONFLICT_KINDS = ['name', 'description', 'deleted_on_server', 'edited_on_server', 'name_taken', 'unknown_actions'] as const;
export type ConflictKind = (typeof CONFLICT_KINDS)[number];

export interface PlanConflict {
  kind: ConflictKind;
  /** name / description: the value at the base, here and on the server. */
  base: string | null;
  mine: string | null;
  theirs: string | null;
  /** unknown_actions: actions of the draft the server's catalog no longer has. */
  actions?: string[];
  message: string;
}

export interface PlanItem {
  draftId: string;
  op: 'create' | 'update' | 'delete' | 'noop';
  roleId: Id | null;
  /** The role's name after the change (or before, for a delete). */
  name: string;
  /** The server's current role (null for a create or when it was deleted meanwhile). */
  current: Role | null;
  /** The merged result that apply would send (null for a delete or noop). */
  result: RoleContent | null;
  actionsAdded: string[];
  actionsRemoved: string[];
  nameChange: { from: string; to: string } | null;
  descriptionChanged: boolean;
  /** Whether the server changed this role since the draft's base (merged where possible). */
  serverChanged: boolean;
  conflicts: PlanConflict[];
}

export interface Plan {
  planId: string;
  profileId: Id;
  computedAt: Timestamp;
  items: PlanItem[];
  /** Number of items with unresolved conflicts; apply refuses while it is above 0. */
  conflictCount: number;
}

export type ConflictChoice = 'mine' | 'theirs';

export type ApplyResult =
  | { applied: true; items: (Role | { id: Id; deleted: true })[] }
  /** The server changed between review and apply: nothing was written; here is the new plan. */
  | { applied: false; plan: Plan };

export interface DraftFile {
  fileName: string;
  mediaType: 'application/json' | 'application/yaml';
  content: string;
}

// Access checker and hygiene

export interface AccessCheck extends Explanation {
  /** 'server' when the state was refreshed just before deciding, 'cache' when computed offline. */
  basis: 'server' | 'cache';
  stateAt: Timestamp | null;
}

export interface HygieneFlags {
  noExpiry: boolean;
  /** Within the lifetime policy's warning window (14 days without one). */
  expiringSoon: boolean;
  /** No request in 90 days: neither a counted one (usage) nor a last-used time. */
  unused90Days: boolean;
  noRoles: boolean;
  /** Lives longer than the lifetime policy now allows (issued before a lower maximum). */
  exceedsLifetime: boolean;
}

export interface HygieneReport {
  generatedAt: Timestamp;
  basis: 'server' | 'cache';
  credentials: { credential: Credential; flags: HygieneFlags }[];
  /** The lifetime policy the flags used (null: not known, e.g. offline or an older server). */
  lifetime: LifetimePolicy | null;
  /** Whether "unused for 90 days" also used the server's request counts (else last-used times only). */
  usageCounted: boolean;
  /** Roles that no credential holds. */
  unusedRoles: Role[];
  /** Credentials whose roles grant administration actions (the keyward group). */
  adminHolders: { credential: Credential; roles: string[]; adminActions: string[] }[];
}

// App

export type ThemeSetting = 'system' | 'light' | 'dark';

export interface AppSettings {
  theme: ThemeSetting;
  /** Seconds before a copied secret is cleared from the clipboard; 0 turns clearing off. */
  clipboardClearSeconds: number;
}

export interface AppInfo {
  name: 'Keyward';
  version: string;
  /** electron: the desktop window; browser: served by the loopback browser host. */
  host: 'electron' | 'browser';
  platform: string;
  keychainAvailable: boolean;
  /** Whether copies are marked concealed for clipboard managers here. */
  clipboardConcealment: boolean;
  settings: AppSettings;
}

// Events from main

export interface KeywardEvents {
  'session.connectivityChanged': SessionStatus;
  'localServer.statusChanged': LocalServerStatus;
  /** A copied secret was wiped (or left alone because the clipboard changed meanwhile). */
  'secrets.clipboardCleared': { handleId: string; reason: 'timeout' | 'quit' | 'discarded'; cleared: boolean };
  /** Once a second while a copied secret waits to be cleared. */
  'secrets.clipboardCountdown': { handleId: string; secondsLeft: number; clearsAt: Timestamp };
  /** A handle's time is up: the secret is gone from main's memory. */
  'secrets.expired': { handleId: string };
  'drafts.changed': { profileId: Id; count: number };
  'app.settingsChanged': AppSettings;
}
export type KeywardEventName = keyof KeywardEvents;
