import type { BrokerMessage, BrokerServices, OutboundMessage } from '../../../shared/node-kit/brokers';

/**
 * What each broker gives the shared conformance suite (suite.ts): how to make a fresh channel
 * (topic, subject with its stream, queue), the flow nodes that read and write it, and direct
 * access through the client library to put test messages in and read results out without going
 * through Sluice.
 */
export interface NodeSpec {
  type: string;
  version: number;
  config: Record<string, unknown>;
}

export interface ConformanceHarness {
  name: string;
  /** Flow resources the node specs refer to (the connection, with its zone). */
  resources(): Record<string, NodeSpec>;
  /** A fresh, empty channel; `partitions` only where the broker has them. */
  createChannel(options?: { partitions?: number }): Promise<string>;
  /** A source node consuming `channel` (as consumer group / durable `group` where that applies). */
  sourceNode(channel: string, group: string): NodeSpec;
  /** A sink node writing to `channel`. */
  sinkNode(channel: string): NodeSpec;
  /** Publishes directly with the client library. */
  publish(channel: string, messages: OutboundMessage[]): Promise<void>;
  /**
   * Reads what is in `channel` directly with the client library, waiting until `count` messages
   * arrived (rejects with what it got after `timeoutMs`).
   */
  readAll(channel: string, count: number, timeoutMs?: number): Promise<BrokerMessage[]>;
  /** The connector services, for connector-level checks (nack and redelivery). */
  services: BrokerServices;
  /** Consumer settings for connector-level checks of `channel`. */
  consume(channel: string, group: string): ReturnType<BrokerServices['kafka']['consumer']>;
  /** Where ordering holds: per key (Kafka partitions) or for the whole channel. */
  ordering: 'per-key' | 'channel';
  close(): Promise<void>;
}
