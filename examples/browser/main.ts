/**
 * The demo page: starts the training worker, shows its progress, and translates what the user
 * types, with the encoder-decoder attention of the translation as a heatmap. All the numeric
 * work happens in the worker; this thread only draws.
 * @module
 */
import { attentionHeatmapSvg } from 'seqgrad';
import type { FromWorker, ProgressMessage, ToWorker, TranslationMessage } from './worker.js';

// The slice of the DOM used here. The project's tsconfig has no DOM lib on purpose (the library
// must not depend on one), and a `/// <reference lib="dom" />` would add it to every file tsc checks.
interface PageElement {
  textContent: string | null;
  innerHTML: string;
  hidden: boolean;
  dataset: Record<string, string | undefined>;
  addEventListener(type: string, listener: (event: { preventDefault(): void }) => void): void;
}
interface TextInput extends PageElement {
  value: string;
}
interface ProgressBar extends PageElement {
  value: number;
  max: number;
}
interface PageWorker {
  postMessage(message: ToWorker): void;
  addEventListener(type: 'message', listener: (event: { data: FromWorker }) => void): void;
  addEventListener(type: 'error', listener: (event: { message?: string }) => void): void;
}
declare const document: { getElementById(id: string): PageElement | null };
declare const Worker: new (url: URL, options: { type: 'module' }) => PageWorker;

function element<T extends PageElement = PageElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`index.html has no #${id}`);
  return found as T;
}

const progressBar = element<ProgressBar>('progress');
const status = element('status');
const about = element('about');
const form = element('translate-form');
const input = element<TextInput>('sentence');
const output = element('translation');
const note = element('translation-note');
const heatmap = element('heatmap');
const errorBox = element('error');

// Vite bundles the worker because of this exact `new Worker(new URL(…, import.meta.url))` form.
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
let latestRequest = 0;
let totalSteps = 0;

function showError(message: string): void {
  if (output.dataset.state === 'pending') {
    output.textContent = '(failed)';
    output.dataset.state = 'failed';
  }
  errorBox.textContent = message;
  errorBox.hidden = false;
  console.error(`seqgrad demo: ${message}`);
}

function showProgress(p: ProgressMessage): void {
  progressBar.max = p.totalSteps;
  progressBar.value = p.step;
  const seconds = (p.elapsedMs / 1000).toFixed(1);
  status.textContent =
    `${p.done ? 'Trained' : 'Training'}: step ${p.step} of ${p.totalSteps}, ` +
    `loss ${p.loss.toFixed(3)} (mean of the last 20 steps ${p.meanLoss.toFixed(3)}), ${seconds} s`;
  status.dataset.step = String(p.step);
  status.dataset.meanLoss = String(p.meanLoss);
  status.dataset.state = p.done ? 'done' : 'training';
}

function showTranslation(t: TranslationMessage): void {
  if (t.id !== latestRequest) return; // an older request answered late
  if (t.source.length === 0) output.textContent = '—';
  else output.textContent = t.translation.length > 0 ? t.translation.join(' ') : '(no translation)';
  output.dataset.state = 'shown';
  output.dataset.step = String(t.step);
  const when =
    t.step < totalSteps
      ? `by the model at step ${t.step} of ${totalSteps}`
      : 'by the trained model';
  const unknown =
    t.unknown.length > 0 ? ` Unknown words, read as <unk>: ${t.unknown.join(', ')}.` : '';
  note.textContent = t.source.length > 0 ? `Translated ${when}.${unknown}` : 'Type a sentence.';
  // attentionHeatmapSvg escapes every label, so the typed words cannot inject markup.
  heatmap.innerHTML =
    t.weights.length > 0
      ? attentionHeatmapSvg(t.weights, {
          rowLabels: t.translation,
          columnLabels: t.source,
          title: `${t.source.join(' ')} → ${t.translation.join(' ')}`,
        })
      : '';
}

worker.addEventListener('message', ({ data }) => {
  switch (data.type) {
    case 'ready':
      totalSteps = data.totalSteps;
      progressBar.max = data.totalSteps;
      about.textContent =
        `Training a 2-layer encoder-decoder Transformer on ${data.trainingPairs} sentence pairs ` +
        `in a Web Worker. English words it knows: ${data.englishWords.join(', ')}.`;
      break;
    case 'progress':
      showProgress(data);
      break;
    case 'translation':
      showTranslation(data);
      break;
    case 'error':
      showError(data.message);
      break;
  }
});
worker.addEventListener('error', (event) => {
  showError(`the worker failed: ${event.message ?? 'it could not be loaded'}`);
});

form.addEventListener('submit', (event) => {
  event.preventDefault();
  latestRequest += 1;
  output.dataset.state = 'pending';
  output.textContent = 'Translating…';
  worker.postMessage({ type: 'translate', id: latestRequest, sentence: input.value });
});
