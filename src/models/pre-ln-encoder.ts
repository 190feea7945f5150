/**
 * The encoder stack the decoder-only and encoder-only models share.
 * @module
 */
import type { Rng } from '../ndarray/random.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { EncoderLayer } from '../nn/transformer/encoder-layer.js';
import { Encoder } from '../nn/transformer/stacks.js';

/**
 * `numLayers` pre-LN encoder layers with GELU and a final LayerNorm (as in GPT-2), which
 * {@link TransformerLanguageModel} runs causally and {@link TransformerClassifier} runs over the
 * whole sequence.
 */
export function preLnEncoder(
  dModel: number,
  nHead: number,
  numLayers: number,
  { dimFeedforward, dropout, rng }: { dimFeedforward: number; dropout: number; rng?: Rng },
): Encoder {
  const r = rng ? { rng } : {};
  const layer = () =>
    new EncoderLayer(dModel, nHead, {
      dimFeedforward,
      dropout,
      activation: 'gelu',
      normFirst: true,
      ...r,
    });
  return new Encoder(layer, numLayers, { norm: new LayerNorm(dModel) });
}
