/** The alias table: every alias the issue names resolves, per architecture; the rest is refused or passed through. */
import { describe, expect, it } from 'vitest';
import { PORTABLE_IMAGES } from '../../../src/provider/images.js';
import { aliasImageFor, AZURE_IMAGE_ALIASES, isImageRefusal, resolveAzureImage } from '../../../src/providers/azure/image-aliases.js';

describe('Azure image aliases', () => {
  it.each([
    ['ubuntu-22.04', 'Canonical', '0001-com-ubuntu-server-jammy', '22_04-lts-gen2'],
    ['ubuntu-24.04', 'Canonical', 'ubuntu-24_04-lts', 'server'],
    ['debian-12', 'Debian', 'debian-12', '12-gen2'],
    ['rhel-9', 'RedHat', 'RHEL', '9-lvm-gen2'],
    ['windows-2022', 'MicrosoftWindowsServer', 'WindowsServer', '2022-datacenter-azure-edition'],
  ])('%s → %s:%s:%s:latest', (alias, publisher, offer, sku) => {
    const resolved = resolveAzureImage(alias);
    expect(isImageRefusal(resolved)).toBe(false);
    expect(resolved).toMatchObject({ kind: 'marketplace', image: { publisher, offer, sku, version: 'latest' } });
  });

  it('knows the OS and the architectures each alias has a build for', () => {
    expect(resolveAzureImage('windows-2022')).toMatchObject({ os: 'windows', architectures: ['x86_64'] });
    expect(resolveAzureImage('ubuntu-24.04')).toMatchObject({ os: 'linux', architectures: ['x86_64', 'arm64'] });
    expect(aliasImageFor('ubuntu-24.04', 'arm64')?.sku).toBe('server-arm64');
    expect(aliasImageFor('rhel-9', 'arm64')).toBeUndefined();
  });

  it('covers every portable alias, or refuses it with the list of those it has', () => {
    for (const { alias } of PORTABLE_IMAGES) {
      const resolved = resolveAzureImage(alias);
      if (AZURE_IMAGE_ALIASES.some((r) => r.alias === alias)) expect(isImageRefusal(resolved)).toBe(false);
      else expect(isImageRefusal(resolved) && resolved.refused).toMatch(/no Azure image for .*ubuntu-22\.04/);
    }
    expect(isImageRefusal(resolveAzureImage('rocky-9'))).toBe(true);
  });

  it('passes URNs and image ids through', () => {
    expect(resolveAzureImage('Canonical:ubuntu-24_04-lts:server:24.04.202501010')).toMatchObject({ kind: 'marketplace', os: 'linux', architectures: undefined, image: { version: '24.04.202501010' } });
    expect(resolveAzureImage('MicrosoftWindowsServer:WindowsServer:2019-Datacenter:latest')).toMatchObject({ os: 'windows' });
    const id = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/i/versions/1.0.0';
    expect(resolveAzureImage(id)).toEqual({ kind: 'image-id', id, os: 'linux', architectures: undefined });
    expect(isImageRefusal(resolveAzureImage('ami-0123456789abcdef0'))).toBe(true);
  });
});
