export * from './context';
export * from './assume-role';
export * from './call-counter';
