// The command line (wasm/cli.mjs) as a user runs it: JSON on stdout, errors on stderr, exit codes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../wasm/cli.mjs', import.meta.url));

function run(args: string[], input?: string | Buffer) {
  const result = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// An error is one line on stderr, valid text, no stack trace.
function expectOneLineError(stderr: string, pattern: RegExp) {
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^icl-playground: /);
  expect(stderr).toMatch(pattern);
  expect(stderr).not.toMatch(/\bat .*:\d+:\d+|\ufffd|^\d+$/m);
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
    expect(report.diverged).toBe(false);
  });

  it('refuses invalid UTF-8 and binary garbage with one readable line and status 2', () => {
    const latin1 = run(['theory', '-'], Buffer.from('{"d": \xe9}', 'latin1'));
    expect(latin1.status).toBe(2);
    expectOneLineError(latin1.stderr, /standard input is not UTF-8 text: byte 7 \(0xE9\) starts no valid character/);
    const dir = mkdtempSync(join(tmpdir(), 'icl-cli-'));
    const garbage = join(dir, 'garbage.bin');
    writeFileSync(garbage, Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 167 + 13) % 256)));
    const binary = run(['train', garbage]);
    expect(binary.status).toBe(2);
    expectOneLineError(binary.stderr, /garbage\.bin is not UTF-8 text: byte \d+ \(0x[0-9A-F]{2}\)/);
    // Valid UTF-8 that is not JSON: the control characters it quotes are escaped, so still one line.
    const controls = run(['theory', '-'], '{"d": \u0001\n\u0002}');
    expect(controls.status).toBe(2);
    expectOneLineError(controls.stderr, /invalid config: the config is not valid JSON at line 1, column 7: .*<U\+0001>'/);
  });

  it('refuses the reproductions of issue 12 with field-named messages and status 2', () => {
    const cases: [string, RegExp][] = [
      ['{"d": 500, "d": 5}', /invalid config: d is given twice/],
      ['{"d": 5}\u0000', /invalid config: the config is not valid JSON: it holds a NUL byte \(byte 9 of 9\)/],
      ['{"d": 1e400}', /invalid config: d is 1e400, a number out of the range of a double/],
      ['{"training": {"adam_beta2": 0.99999999}}', /invalid config: training.adam_beta2 must be a number in \[0, 0.99999994\]/],
      ['{"data": {"kind": "drift", "gamma": 5e-324}, "model": {"kind": "h3"}}', /invalid config: data.gamma is 5e-324, too small/],
      ['['.repeat(100000), /invalid config: the config is nested more than 64 levels deep/],
    ];
    for (const [input, pattern] of cases) {
      const { status, stdout, stderr } = run(['theory', '-'], input);
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expectOneLineError(stderr, pattern);
    }
  });

  it('checks that reproduce --out can be written before doing any work', () => {
    const dir = mkdtempSync(join(tmpdir(), 'icl-cli-'));
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    for (const out of [join(file, 'results'), '/proc/icl-playground-cannot-create']) {
      const { status, stdout, stderr } = run(['reproduce', 'fig2a-noiseless-iid', '--quick', '--out', out]);
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expectOneLineError(stderr, new RegExp(`^icl-playground: cannot write to --out ${out}: E[A-Z]+`));
      expect(stderr).not.toMatch(/jobs done/);
      expect(existsSync(out)).toBe(false);
    }
    // A mistake in the command touches nothing; a directory that can be created is, and the check
    // leaves nothing in it but the reports.
    const fresh = join(dir, 'new', 'results');
    const unknown = run(['reproduce', 'no-such-preset', '--out', fresh]);
    expect(unknown.status).toBe(2);
    expectOneLineError(unknown.stderr, /unknown preset 'no-such-preset'/);
    expect(existsSync(fresh)).toBe(false);
    expect(run(['reproduce', 'fig3-low-rank', '--quick', '--threads', '1', '--out', fresh]).status).toBe(0);
    expect(readdirSync(fresh).sort()).toEqual(['fidelity.txt', 'fig3-low-rank.csv', 'fig3-low-rank.json', 'fig3-low-rank.svg']);
  });

  it('says when a run diverged, and exits 1 with the reason in its JSON', () => {
    const config = { d: 10, n: [10, 40], training: { steps: 500, batch_size: 64, learning_rate: 1 }, evaluation: { prompts: 1000 } };
    const { status, stdout, stderr } = run(['train', '-'], JSON.stringify(config));
    expect(status).toBe(1);
    expect(stderr).toMatch(/diverged at step \d+ .*training\.learning_rate = 1/);
    const report = JSON.parse(stdout);
    expect(report.diverged).toBe(true);
    expect(report.divergence.message).toMatch(/learning rate is likely too high/);
    expect(report.steps).toBeLessThan(500);
    expect(report.verdicts.map((verdict: { kind: string }) => verdict.kind)).toEqual(['diverged', 'diverged']);
    expect(stdout).not.toMatch(/NaN|Infinity/);
  });

  it('reports checkpoints of the live evaluation set and a verdict per model', () => {
    const config = { d: 3, n: [4], training: { steps: 40, batch_size: 64 }, evaluation: { prompts: 2000 } };
    const report = JSON.parse(run(['train', '-'], JSON.stringify(config)).stdout);
    expect(report.livePrompts).toBe(2000);
    expect(report.checkpoints.steps[0]).toBe(0);
    expect(report.checkpoints.steps.at(-1)).toBe(40);
    expect(report.checkpoints.risk).toHaveLength(report.checkpoints.steps.length);
    expect(report.verdicts).toHaveLength(1);
    expect(report.verdicts[0].message).toMatch(/^(converged|not converged)/);
  });

  it('refuses a run over the budget up front, with the estimate, the limit and what to lower', () => {
    const n = Array.from({ length: 32 }, (_, i) => 16 * (i + 1));
    const { status, stderr } = run(['train', '-'], JSON.stringify({ d: 64, n, training: { batch_size: 65536 } }));
    expect(status).toBe(2);
    expect(stderr).toMatch(
      /invalid config: one training step would cost 1\.7e\+11 multiply-adds .*above the limit of 1e\+10 .*lower training\.batch_size \(65536\)/,
    );
  });

  it('rejects a bad config with the field-named message and status 2', () => {
    const { status, stdout, stderr } = run(['theory', '-'], '{"data": {"kind": "drift", "gamma": 1}}');
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/invalid config: data.gamma must be a number in \[0, 0.99999994\] \(got 1\)/);
  });

  it('prints the link of a config, and trains from that link to the same numbers', () => {
    const config = { d: 3, n: [2, 4], seed: 7, training: { steps: 30, batch_size: 32 }, evaluation: { prompts: 500 } };
    const linked = run(['link', '-', '--base', 'https://example.org/icl/'], JSON.stringify(config));
    expect(linked.status).toBe(0);
    const link = linked.stdout.trim();
    expect(link).toMatch(
      /^https:\/\/example\.org\/icl\/#v=1&b=[^&]+&d=3&n=2,4&training\.steps=30&seed=7&training\.batch_size=32&evaluation\.prompts=500$/,
    );
    const fromLink = run(['train', link]);
    const fromFile = run(['train', '-'], JSON.stringify(config));
    expect(fromLink.status).toBe(0);
    const a = JSON.parse(fromLink.stdout);
    const b = JSON.parse(fromFile.stdout);
    expect(a.config).toEqual(b.config);
    expect(a.empirical).toEqual(b.empirical);
    // The fragment alone, and a link in a file, read the same.
    expect(JSON.parse(run(['theory', link.slice(link.indexOf('#'))]).stdout).config).toEqual(b.config);
    expect(JSON.parse(run(['theory', '-'], `${link}\n`).stdout).config).toEqual(b.config);
  });

  it('warns about what a link holds that it cannot read, and refuses a preset link for train', () => {
    const warned = run(['theory', '#v=1&b=0.0.1+old&d=4&n=5&colour=red']);
    expect(warned.status).toBe(0);
    expect(warned.stderr).toMatch(/does not know, ignored: “colour”/);
    expect(warned.stderr).toMatch(/made by build 0\.0\.1\+old.*may differ/);
    const invalid = run(['theory', '#v=1&d=0']);
    expect(invalid.status).toBe(2);
    expect(invalid.stderr).toMatch(/invalid config: d must be an integer in \[1, 64\] \(got 0\)/);
    const preset = run(['train', '#v=1&preset=fig3-rag&quick=1']);
    expect(preset.status).toBe(2);
    expect(preset.stderr).toMatch(/figure preset 'fig3-rag'.*reproduce/);
  });

  it('explains its usage for unknown commands and missing files, in one line each', () => {
    expect(run(['fly', '-']).status).toBe(2);
    expectOneLineError(run(['fly', '-']).stderr, /unknown command 'fly' \(icl-playground --help shows the usage\)/);
    const missing = run(['train', '/nonexistent/config.json']);
    expect(missing.status).toBe(2);
    expectOneLineError(missing.stderr, /cannot read \/nonexistent\/config.json: ENOENT/);
    expect(run(['--help']).stdout).toMatch(/usage: icl-playground/);
  });
});
