import { Autocomplete, Box, Chip, TextField, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import type { Role, User } from '../../shared/domain/types.ts';
import { TextAreaField } from '../common/form-fields.tsx';

const userLabel = (u: User) => (u.email ? `${u.name} <${u.email}>` : u.name);

/** The owner picker: users the issuance policy refuses are listed, disabled, with the reason. */
export function OwnerField({
  users,
  owner,
  onOwner,
  allowed,
  refused,
  serverError,
}: {
  users: User[];
  owner: User | null;
  onOwner: (user: User | null) => void;
  allowed: (user: User) => boolean;
  /** Why the chosen owner may not hold a key (null: they may). */
  refused: string | null;
  serverError: string | null;
}) {
  return (
    <Autocomplete
      options={users}
      value={owner}
      onChange={(_, v) => onOwner(v)}
      getOptionLabel={userLabel}
      getOptionDisabled={(u) => !allowed(u)}
      renderOption={(props, u) => (
        <li {...props} key={u.id}>
          <Box>
            {userLabel(u)}
            {!allowed(u) && (
              <Typography variant="caption" component="div" color="text.secondary">
                The issuance policy does not let this user hold a key.
              </Typography>
            )}
          </Box>
        </li>
      )}
      isOptionEqualToValue={(a, b) => a.id === b.id}
      renderInput={(p) => (
        <TextField
          {...p}
          label="Owner"
          error={refused !== null || serverError !== null}
          helperText={serverError ?? refused ?? 'Optional; the issuance policy must allow them.'}
        />
      )}
      sx={{ flex: 1 }}
    />
  );
}

/** The roles the credential holds, as chips; its help text says what holding none means. */
export function RolesField({
  roles,
  chosen,
  onChosen,
  serverError,
}: {
  roles: Role[];
  chosen: Role[];
  onChosen: (roles: Role[]) => void;
  serverError: string | null;
}) {
  return (
    <Autocomplete
      multiple
      options={roles}
      value={chosen}
      onChange={(_, v) => onChosen(v)}
      getOptionLabel={(r) => r.name}
      isOptionEqualToValue={(a, b) => a.id === b.id}
      renderValue={(value, getItemProps) =>
        value.map((r, i) => <Chip size="small" label={r.name} {...getItemProps({ index: i })} key={r.id} />)
      }
      renderInput={(p) => (
        <TextField
          {...p}
          label="Access Roles"
          placeholder={chosen.length ? '' : 'Search roles'}
          error={serverError !== null}
          helperText={
            serverError ??
            (chosen.length === 0
              ? 'No role yet: a credential without roles is denied every action.'
              : 'The credential may do what any of its roles permits.')
          }
        />
      )}
    />
  );
}

/** Allowed networks, one CIDR a line; each bad line is named. */
export function CidrField({
  text,
  onText,
  problems,
  serverError,
}: {
  text: string;
  onText: (text: string) => void;
  problems: string[];
  serverError: string | null;
}) {
  const problem =
    problems.length === 0 ? null : problems.length === 1 ? problems[0]! : `${problems.length} lines are not valid: ${problems.join(' ')}`;
  return (
    <TextAreaField
      label="Allowed networks (CIDR)"
      value={text}
      onChange={onText}
      placeholder={'10.0.0.0/8\n2001:db8::/32'}
      error={serverError ?? problem}
      hint="One per line; leave empty to allow any address."
      slotProps={{ formHelperText: { 'data-testid': 'cidr-help' } as object }}
    />
  );
}

/** A titled part of the form (Expiry, Effective permissions). */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div>
      <Typography variant="subtitle2" component="h3" gutterBottom>
        {title}
      </Typography>
      {children}
    </div>
  );
}
