// The command line (wasm/cli.mjs) as a user runs it: JSON on stdout, errors on stderr, exit codes.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../wasm/cli.mjs', import.meta.url));

function run(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Each test starts Node processes; the timeout guards against a hang, it is not a speed requirement.
describe('icl-playground command line', { timeout: 60_000 }, () => {
  it('prints the theory curves of a config read from stdin', () => {
    const { status, stdout } = run(['theory', '-'], JSON.stringify({ d: 20, n: [10, 40], data: { kind: 'alignment', alpha: 0.2 } }));
    expect(status).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.n).toEqual([10, 40]);
    expect(report.config.data.query).toBe('isotropic');
    expect(report.theory[0].name).toBe('alignment_exact');
    expect(report.theory[0].values[0]).toBeCloseTo(10.767888, 6); // TF-B equals RAG at sigma = 0 (§3.9)
  });

  it('trains and reports empirical risk beside the theory, progress on stderr', () => {
    const config = { d: 3, n: [4], training: { steps: 40, batch_size: 64 }, evaluation: { prompts: 2000 } };
    const { status, stdout, stderr } = run(['train', '-'], JSON.stringify(config));
    expect(status).toBe(0);
    expect(stderr).toMatch(/step 40\/40/);
    const report = JSON.parse(stdout);
    expect(report.steps).toBe(40);
    expect(report.empirical).toHaveLength(1);
    expect(Number.isFinite(report.empirical[0])).toBe(true);
    expect(report.relativeGap[0]).toBeCloseTo(report.empirical[0] / report.theory[0].values[0] - 1, 12);
  });

  it('rejects a bad config with the field-named message and status 2', () => {
    const { status, stdout, stderr } = run(['theory', '-'], '{"data": {"kind": "drift", "gamma": 1}}');
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/invalid config: data.gamma must be a number in \[0, 0.99999994\] \(got 1\)/);
  });

  it('explains its usage for unknown commands and missing files', () => {
    expect(run(['fly', '-']).status).toBe(2);
    expect(run(['fly', '-']).stderr).toMatch(/unknown command 'fly'/);
    const missing = run(['train', '/nonexistent/config.json']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/cannot read \/nonexistent\/config.json/);
    expect(run(['--help']).stdout).toMatch(/usage: icl-playground/);
  });
});
