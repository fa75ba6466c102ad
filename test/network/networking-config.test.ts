/** The configuration's networking section, parsed into CrossCloudNetwork options. */
import { describe, expect, it } from 'vitest';
import { loadFederationConfig } from '../../src/federation/config.js';
import { networkOptionsFromSettings } from '../../src/network/index.js';
import { FEDERATION_YAML } from '../federation/spec-examples.js';

describe('networking settings', () => {
  it('parse the specification’s section, filling mesh and encryption, and map to CrossCloudNetwork options', async () => {
    const config = await loadFederationConfig(FEDERATION_YAML, { env: { AZURE_SUBSCRIPTION_ID: 's' } });
    expect(config.networking).toEqual({ mode: 'overlay', overlay: { type: 'wireguard', mesh: true, encryption: 'chacha20poly1305' } });
    expect(networkOptionsFromSettings(config.networking)).toEqual({ mode: 'overlay', overlay: { topology: 'mesh', hub: undefined } });
    expect(networkOptionsFromSettings({ mode: 'vpn', overlay: { type: 'wireguard', mesh: false, encryption: 'chacha20poly1305' } }, { hub: 'aws-gw' })).toEqual({ mode: 'vpn', overlay: { topology: 'hub-and-spoke', hub: 'aws-gw' } });
    expect(networkOptionsFromSettings(undefined)).toEqual({});
    const bare = await loadFederationConfig(FEDERATION_YAML.replace(/ {2}networking:\n( {4}.*\n| {6}.*\n)*/, '  networking:\n    mode: peering\n'), { env: { AZURE_SUBSCRIPTION_ID: 's' } });
    expect(bare.networking).toEqual({ mode: 'peering', overlay: undefined });
  });
});
