export * from './document';
export * from './canonical';
export * from './migrate';
export * from './graph';
