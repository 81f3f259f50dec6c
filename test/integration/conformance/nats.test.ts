import { describe } from 'vitest';
import { natsHarness } from './nats.harness';
import { conformanceSuite } from './suite';

describe('NATS JetStream', () => {
  conformanceSuite(natsHarness);
});
