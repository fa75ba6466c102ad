/** The provider conformance suite, run against the AWS provider on the EC2 emulator. */
import { describeProviderConformance } from '../../../src/testing/provider-conformance.js';
import { createAwsProvider } from '../../../src/providers/aws/index.js';
import { startEc2Emulator, type Ec2Emulator } from '../../../src/testing/emulators/ec2/index.js';

let emu: Ec2Emulator | undefined;

describeProviderConformance(
  'aws (EC2 emulator)',
  async () => {
    emu = await startEc2Emulator();
    return createAwsProvider({ ...emu.providerOptions, regions: ['us-west-2'], listPageSize: 5 });
  },
  {
    pageSize: 5,
    unknownId: 'i-00000000000000000',
    teardown: async () => {
      await emu?.close();
    },
  },
);

let emuS3: Ec2Emulator | undefined;

// The cross-cloud path: exports go to S3 as VMDK and come back through ImportImage.
describeProviderConformance(
  'aws (EC2 emulator, S3 export)',
  async () => {
    emuS3 = await startEc2Emulator();
    const store = emuS3;
    return createAwsProvider({
      ...store.providerOptions,
      listPageSize: 5,
      export: {
        bucket: 'novacron-exports',
        describeObject: async (uri) => {
          const object = store.getObject(uri);
          if (!object) throw new Error(`no object at ${uri}`);
          return object;
        },
      },
    });
  },
  {
    pageSize: 5,
    unknownId: 'i-00000000000000000',
    teardown: async () => {
      await emuS3?.close();
    },
  },
);
