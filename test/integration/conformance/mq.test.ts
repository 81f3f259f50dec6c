import { describe } from 'vitest';
import { mqHarness } from './mq.harness';
import { conformanceSuite } from './suite';

describe('MQ over AMQP 1.0 (RabbitMQ)', () => {
  conformanceSuite(mqHarness);
});
