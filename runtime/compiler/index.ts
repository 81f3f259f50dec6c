export * from './plan';
export * from './compile';
export * from './link';
