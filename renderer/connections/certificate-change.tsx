import { Alert, Box, Button, Typography } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import type { CertificateInfo, Profile } from '../../shared/ipc/types.ts';
import { useApi } from '../app/api.ts';
import { qk } from '../app/query-keys.ts';
import { Fingerprint } from '../common/fingerprint.tsx';
import { useDialogs } from '../dialogs/dialog-context.ts';

/**
 * Shown when a profile's server presents another certificate than the pinned one. Keyward keeps
 * refusing it; trusting the new one is a deliberate step with the new fingerprint in front of the
 * admin, to be compared with what the server's operator says.
 */
export function CertificateChange({
  profile,
  certificate,
  onTrusted,
}: {
  profile: Profile;
  certificate: CertificateInfo;
  onTrusted: () => void;
}) {
  const api = useApi();
  const client = useQueryClient();
  const { openDialog } = useDialogs();
  const trust = () =>
    openDialog({
      type: 'confirm',
      title: `Trust the new certificate of “${profile.name}”?`,
      body: `Keyward will send this profile's admin token to the server presenting the certificate below. Do this only once the server's operator has confirmed this fingerprint. If nobody renewed the certificate, someone may be impersonating the server.`,
      // Wide enough that the fingerprint takes two lines, broken only between byte pairs.
      fingerprint: certificate.fingerprint,
      maxWidth: 'sm',
      confirmLabel: 'Trust certificate',
      destructive: true,
      onConfirm: async () => {
        await api.profiles.confirmCertificate({ id: profile.id, fingerprint: certificate.fingerprint });
        await client.invalidateQueries({ queryKey: qk.profiles });
        client.setQueryData(qk.session, await api.session.status());
        onTrusted();
      },
    });
  return (
    <Alert severity="warning" sx={{ mt: 1 }} data-testid="certificate-change">
      <Typography variant="body2">The server now presents this certificate ({certificate.subject.replace(/\n/g, ', ')}):</Typography>
      <Box sx={{ my: 0.5 }}>
        <Fingerprint value={certificate.fingerprint} testId="new-fingerprint" />
      </Box>
      <Button size="small" color="inherit" variant="outlined" onClick={trust}>
        Trust the new certificate…
      </Button>
    </Alert>
  );
}
