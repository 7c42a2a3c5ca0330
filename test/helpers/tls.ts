import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh self-signed certificate for 127.0.0.1 (openssl), and its SHA-256 fingerprint as Keyward shows it. */
export function selfSignedCertificate(commonName: string): { cert: Buffer; key: Buffer; fingerprint: string } {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-test-tls-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-keyout',
          key,
          '-out',
          cert,
          '-days',
          '2',
          '-subj',
          `/CN=${commonName}`,
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ],
        { stdio: 'pipe' },
      );
    } catch (error) {
      throw new Error(`Could not make a test certificate with openssl (install the openssl package): ${(error as Error).message}`, {
        cause: error,
      });
    }
    const pem = readFileSync(cert);
    return { cert: pem, key: readFileSync(key), fingerprint: new X509Certificate(pem).fingerprint256 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
