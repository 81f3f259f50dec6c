export * from './context';
export * from './engine';
export * from './secrets';
export * from './env-file';
export * from './run-file';
