export * from './contract';
export { getUnlearner, unlearnerNames } from './registry';
