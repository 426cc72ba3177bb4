// Runs past one machine (run/job-files.mjs through the command line): every job of a preset as a file,
// run by GNU parallel as a batch engine would, merged into the same preset as an in-process run, bit for
// bit; and the package that a worker machine installs instead of the source tree.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'wasm/cli.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'icl-jobs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(command: string, args: string[], cwd = root) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
const icl = (...args: string[]) => run(process.execPath, [cli, ...args]);

/** What a preset's <id>.json holds apart from its provenance and timing. */
function numbers(path: string) {
  const { curves, fidelity } = JSON.parse(readFileSync(path, 'utf8'));
  return { curves, fidelity };
}

const PRESET = 'fig3-low-rank';

// Each test starts Node processes; the timeout guards against a hang, it is not a speed requirement.
describe('job files', { timeout: 120_000 }, () => {
  const jobs = join(scratch, 'jobs');
  const results = join(scratch, 'results');

  it('fans a quick preset out over GNU parallel and merges it to the in-process numbers, bit for bit', () => {
    const written = icl('reproduce', PRESET, '--quick', '--jobs-out', jobs);
    expect(written.status).toBe(0);
    const files = readdirSync(jobs)
      .filter((name) => name.endsWith('.job.json'))
      .sort();
    expect(files).toEqual([`${PRESET}-0000.job.json`, `${PRESET}-0001.job.json`, `${PRESET}-0002.job.json`]);
    expect(readdirSync(jobs)).toContain('jobs.json');

    const fanned = run('parallel', [
      '-j2',
      process.execPath,
      cli,
      'job',
      '{}',
      '--out',
      results,
      ':::',
      ...files.map((name) => join(jobs, name)),
    ]);
    expect(fanned.status, fanned.stderr).toBe(0);
    expect(readdirSync(results).sort()).toEqual(files.map((name) => name.replace('.job.json', '.result.json')));

    const merged = icl('reproduce', '--merge', jobs, '--results', results, '--out', join(scratch, 'merged'));
    expect(merged.status, merged.stderr).toBe(0);
    expect(merged.stdout).toMatch(new RegExp(`^preset .*\\n${PRESET} `));
    const direct = icl('reproduce', PRESET, '--quick', '--threads', '1', '--out', join(scratch, 'direct'));
    expect(direct.status).toBe(0);
    expect(numbers(join(scratch, 'merged', `${PRESET}.json`))).toEqual(numbers(join(scratch, 'direct', `${PRESET}.json`)));
    for (const name of [`${PRESET}.csv`, `${PRESET}.svg`, 'fidelity.txt']) expect(readdirSync(join(scratch, 'merged'))).toContain(name);
  });

  it('refuses to merge a run with a result missing or foreign, naming the files', () => {
    const partial = join(scratch, 'partial');
    mkdirSync(partial);
    writeFileSync(join(partial, `${PRESET}-0000.result.json`), readFileSync(join(results, `${PRESET}-0000.result.json`)));
    const missing = icl('reproduce', '--merge', jobs, '--results', partial, '--out', join(scratch, 'nothing'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(
      new RegExp(
        `^icl-playground: 2 of the run's results are missing from .*partial: ${PRESET}-0001.result.json, ${PRESET}-0002.result.json\\n$`,
      ),
    );
    // A result file under the wrong name (another job's) is refused, not averaged in.
    writeFileSync(join(partial, `${PRESET}-0001.result.json`), readFileSync(join(results, `${PRESET}-0002.result.json`)));
    writeFileSync(join(partial, `${PRESET}-0002.result.json`), readFileSync(join(results, `${PRESET}-0002.result.json`)));
    const foreign = icl('reproduce', '--merge', jobs, '--results', partial, '--out', join(scratch, 'nothing'));
    expect(foreign.status).toBe(2);
    expect(foreign.stderr).toMatch(/holds job 2 of fig3-low-rank, not job 1 of fig3-low-rank/);
    const notAJob = join(scratch, 'not-a-job.json');
    writeFileSync(notAJob, '{"d": 3}');
    const refused = icl('job', notAJob, '--out', join(scratch, 'nothing'));
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/not-a-job\.json is not an icl-playground-job file of version 1/);
  });

  it('packs into a package that installs into an empty folder and runs a job and the typed module', () => {
    const packed = run('npm', ['pack', '--silent', '--pack-destination', scratch]);
    expect(packed.status, packed.stderr).toBe(0);
    const tarball = join(scratch, packed.stdout.trim().split('\n').at(-1) as string);
    const machine = join(scratch, 'worker-machine');
    mkdirSync(machine);
    writeFileSync(join(machine, 'package.json'), '{"name": "worker", "private": true, "type": "module"}');
    const installed = run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], machine);
    expect(installed.status, installed.stderr).toBe(0);
    const job = run(
      join(machine, 'node_modules/.bin/icl-playground'),
      ['job', join(jobs, `${PRESET}-0001.job.json`), '--out', join(machine, 'out')],
      machine,
    );
    expect(job.status, job.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(machine, 'out', `${PRESET}-0001.result.json`), 'utf8'));
    expect(result.output).toEqual(JSON.parse(readFileSync(join(results, `${PRESET}-0001.result.json`), 'utf8')).output);
    // The module and its typings, as an installed dependency.
    const script =
      "import { loadIcl } from 'icl-playground'; const icl = await loadIcl(); process.stdout.write(JSON.stringify(icl.theoryCurves({ d: 4, n: [2] }, [2])[0].values));";
    const module = run(process.execPath, ['--input-type=module', '-e', script], machine);
    expect(module.status, module.stderr).toBe(0);
    expect(JSON.parse(module.stdout)[0]).toBeCloseTo(20 / 7, 12);
    // The recipes too: a worker machine can name and describe them.
    const recipes = run(
      process.execPath,
      ['--input-type=module', '-e', "import { recipeNames } from 'icl-playground/recipes'; process.stdout.write(recipeNames.join(','));"],
      machine,
    );
    expect(recipes.status, recipes.stderr).toBe(0);
    expect(recipes.stdout).toBe('paper,fast,low-rank,lora');
    const manifest = JSON.parse(readFileSync(join(machine, 'node_modules/icl-playground/package.json'), 'utf8'));
    expect(readFileSync(join(machine, 'node_modules/icl-playground', manifest.types), 'utf8')).toMatch(/export function loadIcl/);
  });
});
