export * from './record-schema';
export * from './schema-paths';
export * from './flow-schemas';
export * from './tags';
export * from './named';
export * from './message-schema';
