// The presets (run/preset.js): config merging, how a preset expands into jobs, aggregation, and
// the quick version of every preset reproduced through the command line within its stated tolerance.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadIcl } from '../../wasm/icl.js';
import { describeRecipe, recipeNames, recipes } from '../../run/recipes.js';
import { aggregate, merge, presetJobs, presetTheory, resolvePreset, runJob, scheduleOrder } from '../../run/preset.js';

const presetDir = fileURLToPath(new URL('../../wasm/presets/', import.meta.url));
const presets = readdirSync(presetDir)
  .filter((name) => name.endsWith('.json'))
  .map((name) => JSON.parse(readFileSync(join(presetDir, name), 'utf8')));

describe('presets', () => {
  it('merges configs key by key, with arrays replaced', () => {
    const base = { d: 20, n: [1, 2], data: { kind: 'iid', noise_variance: 0.5 } };
    expect(merge(base, { n: [3], data: { noise_variance: 1 } })).toEqual({ d: 20, n: [3], data: { kind: 'iid', noise_variance: 1 } });
    expect(base.data.noise_variance).toBe(0.5); // inputs untouched
  });

  it('trains every n in one job along the n axis, one job per point elsewhere', () => {
    const alongN = {
      base: { d: 4 },
      axis: { field: 'n', values: [2, 4] },
      curves: [
        { label: 'a', patch: {} },
        { label: 'b', patch: { model: { kind: 'h3' } } },
      ],
      seeds: [1, 2],
    };
    const jobs = presetJobs(alongN);
    expect(jobs).toHaveLength(4);
    expect(jobs[3]).toMatchObject({ curveIndex: 1, seed: 2, axisValue: null, config: { d: 4, n: [2, 4], seed: 2, model: { kind: 'h3' } } });
    const alongGamma = {
      base: { n: [20], data: { kind: 'drift' } },
      axis: { field: 'data.gamma', values: [0.8, 0.9] },
      curves: [{ label: 'a' }],
      seeds: [5],
    };
    expect(presetJobs(alongGamma).map((job) => (job.config.data as { gamma: number }).gamma)).toEqual([0.8, 0.9]);
  });

  it("starts the costliest jobs first by the core's run plan: H3 banks before attention banks, long contexts before short", async () => {
    const icl = await loadIcl();
    const cost = (config: unknown) => icl.runPlan(config).runMultiplyAdds;
    const fig2 = presets.find((p) => p.id === 'fig2a-noiseless-iid');
    const jobs = presetJobs(resolvePreset(fig2));
    const costs = jobs.map((job) => cost(job.config));
    // presetJobs lists attention seeds 1-3, then H3 seeds 1-3; an H3 bank of 12 n costs several attention banks.
    expect(scheduleOrder(costs)).toEqual([3, 4, 5, 0, 1, 2]);
    expect((costs[3] as number) / (costs[0] as number)).toBeGreaterThan(2);
    const single = (n: number, kind: string) => cost({ d: 20, n: [n], model: { kind } });
    expect(scheduleOrder([single(10, 'attention'), single(40, 'attention'), single(10, 'attention')])).toEqual([1, 0, 2]);
    expect(single(10, 'attention')).toBeLessThan(cost({ d: 20, n: [10], model: { kind: 'attention', lora: { rank: 2 } } }));
    expect(icl.runPlan({ d: 20, n: [10], model: { lora: { pretrain_steps: 100 } } }).totalSteps).toBe(4100);
  });

  // One curve along n = 1, 2 with two seeds: the aggregation tests' preset.
  const TWO_SEEDS_ALONG_N = {
    axis: { field: 'n', values: [1, 2] },
    curves: [{ label: 'a' }],
    seeds: [1, 2],
    tolerance: { point: 0.03, median: 0.01 },
  };

  it('aggregates seeds into mean, spread and gap, and judges fidelity', () => {
    const preset = TWO_SEEDS_ALONG_N;
    const jobs = presetJobs({ ...preset, base: {} });
    const { curves, fidelity } = aggregate(
      preset,
      jobs,
      [
        { empirical: [10.2, 5.0], theory: [10, 5], divergence: null },
        { empirical: [10.0, 5.0], theory: [10, 5], divergence: null },
      ],
      [[10, 5]],
    );
    expect(curves[0].points[0]).toMatchObject({ mean: 10.1, min: 10.0, max: 10.2, theory: 10 });
    expect(curves[0].points[0].gap).toBeCloseTo(0.01, 12);
    expect(fidelity.maxGap).toBeCloseTo(0.01, 12);
    expect(fidelity.medianGap).toBeCloseTo(0.005, 12);
    expect(fidelity.pass).toBe(true);
  });

  it('marks the points of a diverged job instead of averaging them, and fails the preset', () => {
    const preset = TWO_SEEDS_ALONG_N;
    const jobs = presetJobs({ ...preset, base: {} });
    const { curves, fidelity } = aggregate(
      preset,
      jobs,
      [
        { empirical: [10.0, 5.0], theory: [10, 5], divergence: null },
        { empirical: [null, null], theory: [10, 5], divergence: 'diverged at step 6 (the model with n = 2): …' },
      ],
      [[10, 5]],
    );
    expect(curves[0].points[0]).toMatchObject({
      mean: null,
      gap: null,
      theory: 10,
      diverged: 'diverged at step 6 (the model with n = 2): …',
    });
    expect(fidelity).toMatchObject({ diverged: 1, pass: false, medianGap: null, maxGap: null });
    expect(JSON.stringify(curves)).not.toMatch(/NaN/);
  });

  it('assembles a preset in progress: estimates and pending seeds are shown, never scored', () => {
    const preset = {
      axis: { field: 'n', values: [1, 2] },
      curves: [{ label: 'a' }],
      seeds: [1, 2, 3],
      tolerance: { point: 0.03, median: 0.01 },
    };
    const jobs = presetJobs({ ...preset, base: {} });
    const { curves, fidelity } = aggregate(
      preset,
      jobs,
      [{ empirical: [10.1, 5.05], theory: [10, 5], divergence: null }, { estimate: true, step: 250, empirical: [12, 6] }, undefined],
      [[10, 5]],
    );
    const first = curves[0].points[0];
    expect(first).toMatchObject({ mean: 11.05, estimate: true, pending: 1, empirical: [10.1] });
    expect(first.values).toEqual([
      { seed: 1, risk: 10.1, estimate: false },
      { seed: 2, risk: 12, estimate: true, step: 250 },
    ]);
    // Nothing is final at every seed: no gap is scored, and an incomplete preset never passes.
    expect(fidelity).toMatchObject({ complete: false, jobsDone: 1, medianGap: null, maxGap: null, pass: false });
    const done = aggregate(
      preset,
      jobs,
      [0, 1, 2].map(() => ({ empirical: [10.05, 5.02], theory: [10, 5], divergence: null })),
      [[10, 5]],
    );
    expect(done.fidelity).toMatchObject({ complete: true, jobsDone: 3, pass: true });
    expect(done.curves[0].points[0]).toMatchObject({ estimate: false, pending: 0 });
  });

  it('knows a preset’s theory before any job runs, equal to what each job reports', async () => {
    const icl = await loadIcl();
    for (const preset of presets) {
      const resolved = resolvePreset(preset, { quick: true });
      const jobs = presetJobs(resolved);
      const theory = presetTheory(icl, resolved, jobs);
      for (const job of jobs.filter((candidate) => candidate.seed === resolved.seeds[0])) {
        const experiment = icl.createExperiment(job.config);
        const reported = Array.from(experiment.theory());
        experiment.delete();
        const points = theory[job.curveIndex].points;
        const expected = job.axisValue === null ? points : [points[resolved.axis.values.indexOf(job.axisValue)]];
        expected.forEach((value, i) => expect(value).toBeCloseTo(reported[i] as number, 12));
      }
    }
  });

  it('runs a job to its divergence and says so', async () => {
    const icl = await loadIcl();
    const output = await runJob(icl, {
      curveIndex: 0,
      seed: 1,
      axisValue: null,
      config: { d: 10, n: [10], training: { steps: 400, batch_size: 64, learning_rate: 1 }, evaluation: { prompts: 500 } },
    });
    expect(output.divergence).toMatch(/^diverged at step \d+ .*learning rate is likely too high/);
  });

  it('applies a preset quick patch only when asked', () => {
    const preset = presets.find((p) => p.id === 'fig2a-noiseless-iid');
    expect(resolvePreset(preset).base.d).toBe(20);
    expect(resolvePreset(preset, { quick: true }).base.d).toBe(8);
    expect(resolvePreset(preset, { quick: true }).quick).toBeUndefined();
  });
});

describe('presets', () => {
  it('cover every figure preset, each with a named recipe that owns its training', () => {
    expect(presets.map((p) => p.id).sort()).toEqual([
      'drift-h3-vs-attention',
      'fig2a-noiseless-iid',
      'fig2b-noisy-labels',
      'fig2c-nonisotropic-task',
      'fig3-alignment',
      'fig3-lora',
      'fig3-low-rank',
      'fig3-rag',
      'label-flip',
    ]);
    for (const preset of presets) {
      expect(preset.seeds, preset.id).toEqual([1, 2, 3]);
      expect(preset.tolerance, preset.id).toEqual({ point: 0.03, median: 0.01 });
      // The recipe owns the training: a preset's base sets none of it (its quick patch may reduce it).
      expect(preset.base.training, preset.id).toBeUndefined();
      expect(recipeNames, preset.id).toContain(preset.recipe);
    }
  });

  it('lays the recipe under every job, the config over it, and can swap it by name', () => {
    const preset = presets.find((p) => p.id === 'fig2a-noiseless-iid')!;
    const [attention, h3] = [0, 1].map((curve) => presetJobs(resolvePreset(preset)).find((job) => job.curveIndex === curve)!.config);
    expect(attention?.training).toEqual(recipes.fast?.training);
    expect(attention?.model).toEqual({ kind: 'attention', init: 'symmetric', init_std: 0.03 });
    expect(h3?.model).toEqual({ kind: 'h3' }); // the recipe's attention patch is for attention only
    const paper = presetJobs(resolvePreset(preset, { recipe: 'paper' }))[0]!.config;
    expect(paper.training).toEqual(recipes.paper?.training);
    expect(paper.model).toEqual({ kind: 'attention' });
    // The quick patch's steps and batch lie over the recipe's; the rest of the recipe stays.
    const quick = presetJobs(resolvePreset(preset, { quick: true }))[0]!.config as { training: Record<string, unknown> };
    expect(quick.training).toEqual({ ...recipes.fast?.training, steps: 1500, batch_size: 512 });
    // LoRA pretrains as many steps as it trains, unless its config says otherwise.
    const lora = presets.find((p) => p.id === 'fig3-lora')!;
    const loraConfig = presetJobs(resolvePreset(lora))[0]!.config as { model: { lora: { pretrain_steps: number } } };
    expect(loraConfig.model.lora.pretrain_steps).toBe(recipes.lora?.training.steps);
    expect(() => resolvePreset(preset, { recipe: 'slow' })).toThrow(/unknown recipe 'slow' \(known: paper, fast, low-rank, lora\)/);
    expect(describeRecipe('paper', recipes.paper!)).toBe(
      'paper: 4000 steps of 1024 prompts; rate 0.003, × 0.1 at 75 %; evaluated on 100000 prompts (live 4096)',
    );
  });

  it('reproduce --quick writes CSV, JSON and SVG per preset and every preset is within tolerance', () => {
    const out = mkdtempSync(join(tmpdir(), 'icl-reproduce-'));
    const cli = fileURLToPath(new URL('../../wasm/cli.mjs', import.meta.url));
    const run = spawnSync(process.execPath, [cli, 'reproduce', 'all', '--quick', '--out', out], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).not.toMatch(/FAIL/);
    for (const preset of presets) {
      const json = JSON.parse(readFileSync(join(out, `${preset.id}.json`), 'utf8'));
      expect(json.fidelity.pass, preset.id).toBe(true);
      expect(json.fidelity.maxGap, preset.id).toBeLessThanOrEqual(0.05);
      // Provenance comment lines (tests/js/export.test.ts reads them back), then the table.
      const csv = readFileSync(join(out, `${preset.id}.csv`), 'utf8')
        .trim()
        .split('\n')
        .filter((line) => !line.startsWith('# '));
      expect(csv[0]).toBe('preset,curve,axis,x,seed,empirical,theory,relative_gap');
      const points = json.curves.reduce((sum: number, curve: { points: unknown[] }) => sum + curve.points.length, 0);
      expect(csv).toHaveLength(1 + 2 * points); // one seed and its mean per point
      const svg = readFileSync(join(out, `${preset.id}.svg`), 'utf8');
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(svg).toContain('stroke-dasharray="0.1 5"'); // the dotted theory
      expect(svg).toContain('<metadata id="icl-provenance">');
      expect(svg).not.toMatch(/NaN/);
    }
    expect(existsSync(join(out, 'fidelity.txt'))).toBe(true);

    // All presets shared one pool above; a preset run alone, on one thread, gives the same numbers.
    const alone = mkdtempSync(join(tmpdir(), 'icl-reproduce-alone-'));
    const single = spawnSync(process.execPath, [cli, 'reproduce', 'fig2a-noiseless-iid', '--quick', '--threads', '1', '--out', alone], {
      encoding: 'utf8',
    });
    expect(single.status, single.stderr).toBe(0);
    const curves = (dir: string) => JSON.parse(readFileSync(join(dir, 'fig2a-noiseless-iid.json'), 'utf8')).curves;
    expect(curves(alone)).toEqual(curves(out));
  }, 180_000); // a guard against a hang, not a speed requirement: about 15 s here

  it('refuses an unknown preset and a missing --out', () => {
    const cli = fileURLToPath(new URL('../../wasm/cli.mjs', import.meta.url));
    const unknown = spawnSync(process.execPath, [cli, 'reproduce', 'fig9', '--out', '/tmp/x'], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown preset 'fig9' \(known: drift-h3-vs-attention, /);
    const oneUnknown = spawnSync(process.execPath, [cli, 'reproduce', 'fig3-rag', 'fig9', '--out', '/tmp/x'], { encoding: 'utf8' });
    expect(oneUnknown.status).toBe(2);
    expect(oneUnknown.stderr).toMatch(/unknown preset 'fig9'/);
    expect(spawnSync(process.execPath, [cli, 'reproduce', 'all'], { encoding: 'utf8' }).stderr).toMatch(/needs --out/);
  });
});
