/**
 * A self-signed TLS certificate for an emulator on loopback, made at start: the Azure SDKs
 * refuse bearer tokens over plain http, so their emulators serve https and the client trusts
 * this certificate (its own CA). Generation uses `selfsigned`, loaded with `import()` only when
 * TLS is asked for, so importing the kit stays cheap; it is an optional peer dependency.
 */

/** A certificate with its private key, PEM. */
export interface LoopbackCertificate {
  /** The certificate; also the CA to trust (it signs itself). */
  readonly cert: string;
  /** Its private key. */
  readonly key: string;
}

/** The names the certificate covers. */
const LOOPBACK_NAMES = { dns: ['localhost'], ips: ['127.0.0.1', '::1'] };

interface SelfsignedModule {
  generate(
    attrs: { name: string; value: string }[],
    options: { keyType: 'ec'; curve: 'P-256'; algorithm: string; notBeforeDate: Date; notAfterDate: Date; extensions: unknown[] },
  ): Promise<{ private: string; cert: string }>;
}

async function loadSelfsigned(): Promise<SelfsignedModule> {
  try {
    const mod = (await import('selfsigned')) as unknown as SelfsignedModule & { default?: SelfsignedModule };
    return typeof mod.generate === 'function' ? mod : mod.default!;
  } catch (cause) {
    throw new Error('[novacron] [emulator] serving https needs the optional package `selfsigned` (npm install -D selfsigned)', { cause });
  }
}

/**
 * Generates a certificate for `localhost`, `127.0.0.1` and `::1` (and `host`, when it is
 * another name), valid from a day ago for 30 days, with an EC P-256 key (fast to make).
 */
export async function generateLoopbackCertificate(host?: string): Promise<LoopbackCertificate> {
  const { generate } = await loadSelfsigned();
  const dns = [...LOOPBACK_NAMES.dns];
  const ips = [...LOOPBACK_NAMES.ips];
  if (host !== undefined && !dns.includes(host) && !ips.includes(host)) (/^[0-9.:]+$/.test(host) ? ips : dns).push(host);
  const now = Date.now();
  const pems = await generate([{ name: 'commonName', value: 'novacron emulator' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now - 24 * 3600_000),
    notAfterDate: new Date(now + 30 * 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...dns.map((value) => ({ type: 2, value })), ...ips.map((ip) => ({ type: 7, ip }))] },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
