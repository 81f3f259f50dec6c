import { describe } from 'vitest';
import { kafkaHarness } from './kafka.harness';
import { conformanceSuite } from './suite';

describe('Kafka', () => {
  conformanceSuite(kafkaHarness);
});
