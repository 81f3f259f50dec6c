import type { CompiledExpression, Message } from '../../node-kit';
import { isDeadLetter } from './broker-payload';

/**
 * What the broker sink node types (nats.publish, mq.send) share besides the outbound message
 * itself (`outboundMessage` in broker-payload.ts, which turns a DeadLetter
 * into the original bytes plus `sluice-*` headers).
 */

/**
 * The message id of each record from the node's compiled id expression (`source` is its text,
 * for the error): non-empty text as it is, numbers printed, anything else throws (the error
 * policy applies). No expression, or a dead letter (sent as the original), gives no id.
 */
export function messageIdFunction(expression: CompiledExpression | undefined, source: string | undefined): (msg: Message) => string | undefined {
  return (msg) => {
    if (!expression || isDeadLetter(msg.value)) return undefined;
    const v = expression.evaluate(msg.value);
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number' || typeof v === 'bigint') return String(v);
    throw new Error(`message id expression ${source} gave ${v === '' ? 'empty text' : v === null || v === undefined ? 'no value' : typeof v}, not text or a number`);
  };
}
