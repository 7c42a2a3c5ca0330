import { Box, Button, Chip, List, ListItem, ListItemButton, ListItemText, Paper, Stack, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { HygieneFlags, HygieneReport } from '../../shared/ipc/types.ts';
import { useApi } from '../app/api.ts';
import { useNavigation } from '../app/navigation.ts';
import { qk } from '../app/query-keys.ts';
import { useSession } from '../app/session.ts';
import { ErrorState, LoadingRows, Page } from '../common/states.tsx';

function flags(report: HygieneReport): { flag: keyof HygieneFlags; title: string; hint: string }[] {
  const policy = report.lifetime;
  return [
    { flag: 'noExpiry', title: 'Without expiry', hint: 'Live credentials that never expire. Give them an expiry date.' },
    {
      flag: 'expiringSoon',
      title: `Expiring within ${policy?.warnBeforeDays ?? 14} days`,
      hint: 'Roll or extend them before services break.',
    },
    {
      flag: 'unused90Days',
      title: 'Unused for 90 days',
      hint: report.usageCounted
        ? 'No request counted in 90 days: probably forgotten. Disable or revoke them.'
        : 'Probably forgotten: disable or revoke them.',
    },
    { flag: 'noRoles', title: 'Without roles', hint: 'These are denied everything; give them roles or revoke them.' },
    ...(policy && (policy.maxLifetimeDays !== null || policy.requireExpiry)
      ? [
          {
            flag: 'exceedsLifetime' as const,
            title: 'Living longer than the lifetime policy allows',
            hint:
              policy.maxLifetimeDays !== null
                ? `Issued before the maximum of ${policy.maxLifetimeDays} days: give them an earlier expiry or roll them.`
                : 'The policy requires an expiry: give them one.',
          },
        ]
      : []),
  ];
}

/** A longer list shows this many and a "Show all N" button (never a scroll box that hides the rest). */
const PREVIEW = 5;

/** Findings an auditor would ask about, each with what to do. */
export function HygieneScreen() {
  const api = useApi();
  const session = useSession();
  const report = useQuery({ queryKey: qk.hygiene(session.profileId), queryFn: () => api.hygiene.report() });
  return (
    <Page title="Hygiene" intro="Credentials and roles worth a second look.">
      {report.isPending ? (
        <LoadingRows />
      ) : report.error ? (
        <ErrorState error={report.error} onRetry={() => void report.refetch()} />
      ) : (
        <Findings report={report.data} />
      )}
    </Page>
  );
}

interface Item {
  key: string;
  primary: string;
  secondary: string;
  /** Where the finding is fixed: Credentials searched for its token prefix, or Roles for its name. */
  link?: { screen: 'credentials' | 'roles'; search: string };
}

function Findings({ report }: { report: HygieneReport }) {
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(380px, 1fr))', gap: 2 }}>
      {flags(report).map((f) => (
        <Section
          key={f.flag}
          title={f.title}
          hint={f.hint}
          items={report.credentials
            .filter((c) => c.flags[f.flag])
            .map((c) => ({
              key: c.credential.id,
              primary: c.credential.name,
              secondary: `${c.credential.prefix} · ${c.credential.status}`,
              link: { screen: 'credentials', search: c.credential.prefix },
            }))}
        />
      ))}
      <Section
        title="Roles no credential uses"
        hint="Delete them or assign them."
        items={report.unusedRoles.map((r) => ({
          key: r.id,
          primary: r.name,
          secondary: `${r.actions.length} actions`,
          link: { screen: 'roles' as const, search: r.name },
        }))}
      />
      <Section
        title="Holders of administration actions"
        hint="Credentials that can administer Keyward itself. Keep this list short."
        items={report.adminHolders.map((h) => ({
          key: h.credential.id,
          primary: h.credential.name,
          secondary: `via ${h.roles.join(', ')} · ${h.adminActions.length} admin actions`,
          link: { screen: 'credentials', search: h.credential.prefix },
        }))}
      />
      <Typography variant="body2" color="text.secondary" sx={{ gridColumn: '1 / -1' }}>
        Generated {new Date(report.generatedAt).toLocaleString()} from {report.basis === 'server' ? 'the server' : 'the offline cache'}.
      </Typography>
    </Box>
  );
}

function Section({ title, hint, items }: { title: string; hint: string; items: Item[] }) {
  const { go } = useNavigation();
  const [expanded, setExpanded] = useState(false);
  const listId = useId();
  const shown = expanded ? items : items.slice(0, PREVIEW);
  return (
    <Paper variant="outlined" component="section" aria-label={title} sx={{ p: 2 }}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <Typography variant="h2" component="h2">
          {title}
        </Typography>
        <Chip size="small" label={items.length} color={items.length ? 'warning' : 'success'} />
      </Stack>
      <Typography variant="body2" color="text.secondary">
        {items.length ? hint : 'Nothing to do here.'}
      </Typography>
      {items.length > 0 && (
        <List dense id={listId} aria-label={`${title} list`}>
          {shown.map((i) =>
            i.link ? (
              // One click (or Enter) shows the finding where it is fixed: Credentials or Roles, searched for it.
              <ListItem key={i.key} disablePadding>
                <ListItemButton
                  sx={{ px: 1, borderRadius: 1 }}
                  onClick={() => go(i.link!.screen, { search: i.link!.search })}
                  title={`Show ${i.primary} in ${i.link.screen === 'roles' ? 'Roles' : 'Credentials'}`}
                >
                  <ListItemText primary={i.primary} secondary={i.secondary} />
                </ListItemButton>
              </ListItem>
            ) : (
              <ListItem key={i.key} disableGutters>
                <ListItemText primary={i.primary} secondary={i.secondary} />
              </ListItem>
            ),
          )}
        </List>
      )}
      {items.length > PREVIEW && (
        <Button size="small" aria-expanded={expanded} aria-controls={listId} onClick={() => setExpanded(!expanded)}>
          {expanded ? 'Show fewer' : `Show all ${items.length}`}
        </Button>
      )}
    </Paper>
  );
}
