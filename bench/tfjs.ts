/**
 * The same workloads in TensorFlow.js (the peer), for its cpu and its wasm (SIMD, one thread)
 * backends, loaded offline from the installed packages.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { type Library, W2, W3, W4 } from './workloads.js';

const require = createRequire(import.meta.url);
setWasmPaths(
  `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`,
);

/** Selects a backend ('cpu' or 'wasm') and waits until it is ready. */
export async function useBackend(name: 'cpu' | 'wasm'): Promise<void> {
  // tfjs advertises tfjs-node on stdout when it starts in Node; keep the benchmark's output clean.
  const { log, warn } = console;
  console.log = () => {};
  console.warn = () => {};
  try {
    if (!(await tf.setBackend(name)))
      throw new Error(`bench: the tfjs ${name} backend failed to start`);
    await tf.ready();
  } finally {
    console.log = log;
    console.warn = warn;
  }
  if (tf.getBackend() !== name)
    throw new Error(`bench: tfjs is on ${tf.getBackend()}, not ${name}`);
}

const normal = (shape: number[], scale = 1) => tf.randomNormal(shape, 0, scale, 'float32', 1);

/**
 * `x (…, in) · wᵀ + b` with w (out, in), as torch.nn.functional.linear. The batch axes are folded
 * into the rows (tfjs's batched matMul cannot take the gradient of a broadcast 2-D weight).
 */
function linear(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const rows = tf.reshape(x, [-1, x.shape[x.rank - 1] as number]) as tf.Tensor2D;
  const out = tf.add(tf.matMul(rows, w as tf.Tensor2D, false, true), b);
  return tf.reshape(out, [...x.shape.slice(0, -1), w.shape[0] as number]);
}

/** Multi-head self-attention with Q/K/V/O projections, as in W2 and W3. */
function attention(x: tf.Tensor3D, p: tf.Tensor[], heads: number): tf.Tensor3D {
  const [B, T, E] = x.shape;
  const D = E / heads;
  const [wq, bq, wk, bk, wv, bv, wo, bo] = p as tf.Tensor[];
  const split = (t: tf.Tensor) => tf.transpose(tf.reshape(t, [B, T, heads, D]), [0, 2, 1, 3]);
  const q = split(linear(x, wq as tf.Tensor, bq as tf.Tensor));
  const k = split(linear(x, wk as tf.Tensor, bk as tf.Tensor));
  const v = split(linear(x, wv as tf.Tensor, bv as tf.Tensor));
  const weights = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(D)));
  const merged = tf.reshape(tf.transpose(tf.matMul(weights, v), [0, 2, 1, 3]), [B, T, E]);
  return linear(merged, wo as tf.Tensor, bo as tf.Tensor) as tf.Tensor3D;
}

function attentionParameters(E: number): tf.Tensor[] {
  return [
    normal([E, E], 0.05),
    tf.zeros([E]),
    normal([E, E], 0.05),
    tf.zeros([E]),
    normal([E, E], 0.05),
    tf.zeros([E]),
    normal([E, E], 0.05),
    tf.zeros([E]),
  ];
}

export function tfjsLibrary(name: string): Library {
  return {
    name,
    matmul(n) {
      const a = normal([n, n]);
      const b = normal([n, n]);
      return () => {
        const c = tf.matMul(a, b);
        c.dataSync();
        c.dispose();
      };
    },
    attention() {
      const { batch, seq, embed, heads } = W2;
      const x = normal([batch, seq, embed]);
      const params = attentionParameters(embed);
      const gradients = tf.grads((...inputs: tf.Tensor[]) =>
        tf.sum(attention(inputs[0] as tf.Tensor3D, inputs.slice(1), heads)),
      );
      return () => {
        const gs = gradients([x, ...params]);
        for (const g of gs) g.dataSync();
        tf.dispose(gs);
      };
    },
    encoderStep() {
      const { batch, seq, embed, heads, feedforward } = W3;
      const x = normal([batch, seq, embed]) as tf.Tensor3D;
      const attn = attentionParameters(embed).map((t) => tf.variable(t));
      const w1 = tf.variable(normal([feedforward, embed], 0.05));
      const b1 = tf.variable(tf.zeros([feedforward]));
      const w2 = tf.variable(normal([embed, feedforward], 0.05));
      const b2 = tf.variable(tf.zeros([embed]));
      const g1 = tf.variable(tf.ones([embed]));
      const n1 = tf.variable(tf.zeros([embed]));
      const g2 = tf.variable(tf.ones([embed]));
      const n2 = tf.variable(tf.zeros([embed]));
      const norm = (t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(t, -1, true);
        return tf.add(tf.mul(tf.div(tf.sub(t, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
      };
      const optimizer = tf.train.adam(1e-3);
      return () => {
        const loss = optimizer.minimize(() => {
          // Post-LN: norm(x + attention(x)), then norm(h + ff(h)).
          const h = norm(tf.add(x, attention(x, attn, heads)), g1, n1);
          const ff = linear(tf.relu(linear(h, w1, b1)), w2, b2);
          const y = norm(tf.add(h, ff), g2, n2);
          return tf.mean(tf.square(y)) as tf.Scalar;
        }, true);
        loss?.dataSync();
        loss?.dispose();
      };
    },
    rnn() {
      const { input, hidden, batch, steps } = W4;
      const xs = Array.from({ length: steps }, () => normal([batch, input]));
      const scale = 1 / Math.sqrt(hidden);
      const params = [
        normal([hidden, input], scale),
        normal([hidden, hidden], scale),
        tf.zeros([hidden]),
        tf.zeros([hidden]),
      ];
      const gradients = tf.grads(
        (wih: tf.Tensor, whh: tf.Tensor, bih: tf.Tensor, bhh: tf.Tensor) => {
          let h = tf.zeros([batch, hidden]);
          let loss: tf.Tensor = tf.scalar(0);
          for (const x of xs) {
            h = tf.tanh(tf.add(linear(x, wih, bih), linear(h, whh, bhh)));
            loss = tf.add(loss, tf.sum(h));
          }
          return loss;
        },
      );
      return () => {
        const gs = gradients(params);
        for (const g of gs) g.dataSync();
        tf.dispose(gs);
      };
    },
  };
}
