/**
 * An ordered list of child modules, registered as "0", "1", … as PyTorch's ModuleList.
 * @module
 */
import { Module } from './module.js';

/**
 * Holds child modules in order under the keys `0`, `1`, …, so a stack of layers has PyTorch's
 * state-dict keys (`layers.0.self_attn.in_proj_weight`). It has no forward of its own.
 *
 * @example
 * ```ts
 * const blocks = new ModuleList([new Linear(4, 4), new Linear(4, 2)]);
 * Object.keys(blocks.stateDict()); // ['0.weight', '0.bias', '1.weight', '1.bias']
 * let x = randn([3, 4]);
 * for (const block of blocks) x = block.forward(x).relu();
 * x.shape; // [3, 2]
 * ```
 */
export class ModuleList<M extends Module = Module> extends Module {
  readonly #items: M[] = [];

  /** @param modules - the children, in order */
  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.push(m);
  }

  /** Appends a module under the next index. */
  push(module: M): this {
    if (!(module instanceof Module)) {
      throw new TypeError(
        `ModuleList.push: module must be a Module; got ${module === null ? 'null' : typeof module}`,
      );
    }
    this.#items.push(this.registerModule(String(this.#items.length), module));
    return this;
  }

  /** The number of modules. */
  get length(): number {
    return this.#items.length;
  }

  /** The module at `index`. */
  at(index: number): M {
    const item = Number.isInteger(index) ? this.#items.at(index) : undefined;
    if (!item)
      throw new RangeError(
        `ModuleList.at: index ${index} is out of range for ${this.#items.length} modules`,
      );
    return item;
  }

  /** The modules in order. */
  [Symbol.iterator](): Iterator<M> {
    return this.#items[Symbol.iterator]();
  }

  /** @throws Error always: a ModuleList is a container; call its items. */
  forward(): never {
    throw new Error('ModuleList.forward: a ModuleList has no forward; iterate over its modules');
  }
}
