import type { LintIssue } from '../../../node-kit';

/**
 * Checks of a queue address, shared by mq.receive and mq.send. Addresses are broker specific
 * (`PAYMENTS` on IBM MQ, Artemis and Azure Service Bus; `/amq/queue/payments` on RabbitMQ), so
 * only what is wrong everywhere is an error; RabbitMQ forms that lose messages are warnings.
 */
export function queueProblem(address: string, role: 'receive' | 'send' = 'receive'): LintIssue[] {
  const a = address.trim();
  if (a === '') return [{ path: '/queue', message: 'give the queue address, e.g. PAYMENTS (IBM MQ) or /amq/queue/payments (RabbitMQ)' }];
  if (a !== address) return [{ path: '/queue', message: 'the queue address starts or ends with spaces' }];
  if (a === '/amq/queue/' || a === '/queue/' || a === '/amq/queue' || a === '/queue') {
    return [{ path: '/queue', message: `"${a}" names no queue: add its name, e.g. /amq/queue/payments` }];
  }
  if (a.startsWith('/queue/')) {
    return [
      {
        path: '/queue',
        message: `RabbitMQ creates "${a}" as a non-durable queue, whose messages are lost when the broker restarts; declare a durable queue and address it as /amq/queue/${a.slice('/queue/'.length)}`,
        severity: 'warning',
      },
    ];
  }
  if (role === 'receive' && (a.startsWith('/exchange/') || a.startsWith('/topic/'))) {
    return [
      {
        path: '/queue',
        message: `on RabbitMQ, receiving from "${a}" reads a temporary queue that exists only while the flow runs, so messages sent meanwhile are lost; receive from a durable queue bound to the exchange instead (/amq/queue/<name>)`,
        severity: 'warning',
      },
    ];
  }
  return [];
}
