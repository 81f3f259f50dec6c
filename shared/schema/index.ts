export * from './record-schema';
export * from './schema-paths';
export * from './flow-schemas';
