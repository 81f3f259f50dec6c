export * from './define';
export * from './hints';
export * from './message';
export * from './paths';
export * from './registry';
export * from './runtime';
export * from './brokers';
