/**
 * Every op, primitive and composite, plus the factories.
 * @module
 */
export * from './composite/dropout.js';
export * from './composite/elementwise.js';
export * from './composite/losses.js';
export * from './composite/reduce.js';
export * from './composite/shape.js';
export * from './creation.js';
export * from './primitive/cross-entropy.js';
export * from './primitive/elementwise.js';
export * from './primitive/index-select.js';
export * from './primitive/layer-norm.js';
export * from './primitive/linear.js';
export * from './primitive/matmul.js';
export * from './primitive/movement.js';
export * from './primitive/reduce.js';
export * from './primitive/softmax.js';
export * from './primitive/unary.js';
export * from './primitive/where.js';
