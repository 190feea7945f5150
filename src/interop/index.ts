/**
 * Moving weights to and from PyTorch: the safetensors format.
 * @module
 */
export {
  loadSafetensors,
  readSafetensors,
  type SafetensorsContents,
  type SafetensorsSource,
  saveSafetensors,
} from './safetensors.js';
