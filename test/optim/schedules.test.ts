/**
 * The learning-rate schedules against PyTorch (test/fixtures/torch/optim.json): the lr in effect
 * at each of 12 optimizer steps for torch's StepLR and for LambdaLR implementing the Noam and
 * warmup-cosine formulas; then state-dict round trips and the checks.
 */
import { describe, expect, it } from 'vitest';
import {
  Adam,
  type LRScheduler,
  NoamLR,
  type SchedulerStateDict,
  SGD,
  StepLR,
  tensor,
  WarmupCosineLR,
} from '../../src/index.js';
import { loadFixture } from '../helpers/fixtures.js';

interface ScheduleCase {
  name: string;
  scheduler: 'StepLR' | 'NoamLR' | 'WarmupCosineLR';
  baseLr: number;
  config: Record<string, number>;
  lrs: number[];
}

const { schedules } = loadFixture<{ schedules: ScheduleCase[] }>('optim');
const CLASSES = { StepLR, NoamLR, WarmupCosineLR };

function build(c: ScheduleCase, lr = c.baseLr) {
  const optimizer = new SGD([tensor([0, 0], { requiresGrad: true })], { lr });
  const Class = CLASSES[c.scheduler] as typeof StepLR;
  const schedule: LRScheduler = new Class(optimizer, c.config as never);
  return { optimizer, schedule };
}

/** The lr of each of `steps` optimizer steps, advancing the schedule after each. */
function run(optimizer: SGD, schedule: LRScheduler, steps: number): number[] {
  const lrs: number[] = [];
  for (let i = 0; i < steps; i++) {
    expect(schedule.lr).toBe(optimizer.lr);
    lrs.push(optimizer.lr);
    optimizer.step();
    schedule.step();
  }
  return lrs;
}

function expectLrs(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((lr, i) => {
    const e = expected[i] as number;
    if (Math.abs(lr - e) > 1e-12 * Math.abs(e)) {
      throw new Error(`lr of step ${i + 1} is ${lr}, torch's is ${e}`);
    }
  });
}

describe.each(schedules)('$name', (c) => {
  it("gives torch's lr at each of 12 steps (1e-12 relative)", () => {
    const { optimizer, schedule } = build(c);
    const lrs = run(optimizer, schedule, 12);
    expectLrs(lrs, c.lrs);
    if (c.scheduler === 'StepLR') expect(lrs).toEqual(c.lrs); // to the last bit
    expect(schedule.lastEpoch).toBe(12);
  });

  it('resumes from stateDict → JSON → a fresh schedule on a fresh optimizer', () => {
    const { optimizer, schedule } = build(c);
    run(optimizer, schedule, 5);
    const saved = JSON.parse(JSON.stringify(schedule.stateDict())) as SchedulerStateDict;
    expect(saved).toEqual({ ...schedule.options, lastEpoch: 5, baseLr: c.baseLr });
    // A fresh optimizer with another lr: loading restores baseLr and sets the optimizer's lr.
    const fresh = build(c, 7);
    expect(fresh.schedule.loadStateDict(saved)).toBe(fresh.schedule);
    expect(fresh.schedule.baseLr).toBe(c.baseLr);
    expectLrs([fresh.optimizer.lr], [c.lrs[5] as number]);
    expect(run(fresh.optimizer, fresh.schedule, 7)).toEqual(run(optimizer, schedule, 7));
  });
});

describe('the schedules', () => {
  it('NoamLR replaces the optimizer lr, peaks at warmupSteps and starts above 0', () => {
    const optimizer = new Adam([tensor([1], { requiresGrad: true })], { lr: 123 });
    const schedule = new NoamLR(optimizer, { dModel: 64, warmupSteps: 10, factor: 2 });
    expect(optimizer.lr).toBeCloseTo(2 * 64 ** -0.5 * 10 ** -1.5, 15);
    const lrs = Array.from({ length: 30 }, () => {
      const lr = schedule.lr;
      schedule.step();
      return lr;
    });
    expect(lrs.indexOf(Math.max(...lrs))).toBe(9); // the 10th step
    expect(lrs[9]).toBeCloseTo(2 / Math.sqrt(64 * 10), 15);
    expect(schedule.baseLr).toBe(123);
  });

  it('WarmupCosineLR reaches baseLr at warmupSteps and minLr at totalSteps, then stays', () => {
    const optimizer = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.4 });
    const schedule = new WarmupCosineLR(optimizer, { warmupSteps: 4, totalSteps: 9, minLr: 0.1 });
    const lrs = run(optimizer, schedule, 12);
    expect(lrs[0]).toBeCloseTo(0.1, 15);
    expect(lrs[3]).toBe(0.4);
    expect(lrs.slice(8)).toEqual([0.1, 0.1, 0.1, 0.1]);
    expect(lrs.slice(3, 8).every((lr, i) => lr > (lrs[i + 4] as number))).toBe(true); // decreasing
  });

  it('StepLR defaults gamma to 0.1, as PyTorch', () => {
    const optimizer = new SGD([tensor([1], { requiresGrad: true })], { lr: 1 });
    expect(new StepLR(optimizer, { stepSize: 3 }).options).toEqual({ stepSize: 3, gamma: 0.1 });
  });

  it.each([
    [
      () => new StepLR({} as never, { stepSize: 1 }),
      'StepLR: optimizer must be an Optimizer (SGD, Adam, AdamW); got an object',
    ],
    [(o: SGD) => new StepLR(o, { stepSize: 0 }), 'StepLR: stepSize must be an integer ≥ 1; got 0'],
    [
      (o: SGD) => new StepLR(o, { stepSize: 2, gamma: -0.5 }),
      'StepLR: gamma must be a non-negative number; got -0.5',
    ],
    [
      (o: SGD) => new StepLR(o, { step_size: 2 } as never),
      'StepLR: unknown options [step_size]; expected [stepSize, gamma]',
    ],
    [
      (o: SGD) => new NoamLR(o, { dModel: 0, warmupSteps: 4 }),
      'NoamLR: dModel must be an integer ≥ 1; got 0',
    ],
    [
      (o: SGD) => new NoamLR(o, { dModel: 16, warmupSteps: 2.5 }),
      'NoamLR: warmupSteps must be an integer ≥ 1; got 2.5',
    ],
    [
      (o: SGD) => new NoamLR(o, { dModel: 16, warmupSteps: 4, factor: 0 }),
      'NoamLR: factor must be a positive number; got 0',
    ],
    [
      (o: SGD) => new NoamLR(o, undefined as never),
      'NoamLR: options must be an object; got undefined',
    ],
    [
      (o: SGD) => new WarmupCosineLR(o, { warmupSteps: -1, totalSteps: 5 }),
      'WarmupCosineLR: warmupSteps must be a non-negative integer; got -1',
    ],
    [
      (o: SGD) => new WarmupCosineLR(o, { warmupSteps: 5, totalSteps: 5 }),
      'WarmupCosineLR: totalSteps must be an integer ≥ 6; got 5',
    ],
    [
      (o: SGD) => new WarmupCosineLR(o, { warmupSteps: 0, totalSteps: 5, minLr: -1 }),
      'WarmupCosineLR: minLr must be a non-negative number; got -1',
    ],
  ])('checks its arguments: %#', (make, message) => {
    const optimizer = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.5 });
    expect(() => make(optimizer)).toThrow(message);
    expect(optimizer.lr).toBe(0.5);
  });

  it.each([
    [
      (d: Record<string, unknown>) => ({ ...d, lastEpoch: -1 }),
      'NoamLR.loadStateDict: lastEpoch must be a non-negative integer; got -1',
    ],
    [
      (d: Record<string, unknown>) => ({ ...d, lastEpoch: '3' }),
      'NoamLR.loadStateDict: lastEpoch must be a non-negative integer; got "3"',
    ],
    [
      (d: Record<string, unknown>) => ({ ...d, baseLr: null }),
      'NoamLR.loadStateDict: baseLr must be a non-negative number; got null',
    ],
    [
      ({ factor: _, ...d }: Record<string, unknown>) => d,
      'NoamLR.loadStateDict: stateDict is missing [factor]',
    ],
    [
      (d: Record<string, unknown>) => ({ ...d, gamma: 0.1 }),
      'NoamLR.loadStateDict: unknown options [gamma]; expected [dModel, warmupSteps, factor]',
    ],
    [
      (d: Record<string, unknown>) => ({ ...d, dModel: 0 }),
      'NoamLR.loadStateDict: dModel must be an integer ≥ 1; got 0',
    ],
    [() => [], 'NoamLR.loadStateDict: stateDict must be an object; got []'],
  ])('rejects a bad state and changes nothing: %#', (corrupt, message) => {
    const optimizer = new SGD([tensor([1], { requiresGrad: true })], { lr: 1 });
    const schedule = new NoamLR(optimizer, { dModel: 16, warmupSteps: 4, factor: 2 });
    run(optimizer, schedule, 3);
    const before = schedule.stateDict();
    const lr = optimizer.lr;
    const bad = corrupt(JSON.parse(JSON.stringify(before)));
    expect(() => schedule.loadStateDict(bad as SchedulerStateDict)).toThrow(message);
    expect(schedule.stateDict()).toEqual(before);
    expect(optimizer.lr).toBe(lr);
  });
});
