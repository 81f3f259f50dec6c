export * from './record-schema';
export * from './flow-schemas';
