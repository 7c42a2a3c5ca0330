import { useEffect, useState } from 'react';
import { cidrProblem } from '../../shared/domain/cidr.ts';
import { latestAllowedExpiryMs, type LifetimePolicy } from '../../shared/domain/lifecycle.ts';
import type { Credential, Role, User } from '../../shared/domain/types.ts';
import { expiryTimestamp, initialExpiry, type ExpiryChoice } from './expiry.ts';

/** The credential editor's fields as edited, and whether any differs from what the editor opened with. */
export function useCredentialFields(
  credential: Credential | null,
  roles: Role[],
  users: User[],
  lifetime: LifetimePolicy | null,
  onDirtyChange: (dirty: boolean) => void,
) {
  const [name, setName] = useState(credential?.name ?? '');
  const [description, setDescription] = useState(credential?.description ?? '');
  const [owner, setOwner] = useState<User | null>(users.find((u) => u.id === credential?.ownerId) ?? null);
  const [chosen, setChosen] = useState<Role[]>(roles.filter((r) => credential?.roles.includes(r.id)));
  const [expiry, setExpiry] = useState<{ choice: ExpiryChoice; date: string }>(() =>
    credential
      ? credential.expiresAt
        ? { choice: 'date', date: credential.expiresAt.slice(0, 10) }
        : { choice: 'never', date: '' }
      : initialExpiry(lifetime),
  );
  const [cidrText, setCidrText] = useState((credential?.allowedCidrs ?? []).join('\n'));
  const [openedAt] = useState(() => Date.now());
  const fieldsNow = JSON.stringify([name, description, owner?.id ?? null, chosen.map((r) => r.id), expiry, cidrText]);
  const [fieldsAtOpen] = useState(fieldsNow);
  const dirty = fieldsNow !== fieldsAtOpen;
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);
  return {
    name,
    setName,
    description,
    setDescription,
    owner,
    setOwner,
    chosen,
    setChosen,
    expiry,
    setExpiry,
    cidrText,
    setCidrText,
    openedAt,
  };
}

export type CredentialFields = ReturnType<typeof useCredentialFields>;

/** Checked here before anything is sent; the server's own refusals land on the same fields. */
export function checkCredentialFields(f: CredentialFields, lifetime: LifetimePolicy | null) {
  const cidrs = f.cidrText.split(/[\s,]+/).filter(Boolean);
  const cidrErrors = cidrs.map((c) => cidrProblem(c)).filter((p): p is string => p !== null);
  const trimmed = f.name.trim();
  const nameError = trimmed === '' ? 'Give the credential a name.' : trimmed.length > 100 ? 'Name: at most 100 characters.' : null;
  // The last allowed day means the latest allowed moment, not the end of that day (DESIGN §3.12).
  const expiresAt = expiryTimestamp(
    f.expiry.choice,
    f.expiry.date,
    undefined,
    lifetime ? latestAllowedExpiryMs(lifetime, f.openedAt) : null,
  );
  const expiryError =
    f.expiry.choice === 'date' && !f.expiry.date
      ? 'Pick a date, or another choice.'
      : expiresAt !== null && Date.parse(expiresAt) <= f.openedAt
        ? 'Expiry: must be in the future.'
        : null;
  return { cidrs, cidrErrors, trimmed, nameError, expiresAt, expiryError };
}
