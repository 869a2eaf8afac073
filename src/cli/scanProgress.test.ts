import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { countText, progressPrinter } from './scanProgress.js';

function sink() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c) => {
    text += c;
  });
  return { out, text: () => text };
}

const steps = (total: number) =>
  Array.from({ length: total }, (_, i) => ({
    stage: 'steps' as const,
    done: i + 1,
    total,
    item: i === 9 ? 'accounts' : 'su',
  }));

describe('countText', () => {
  it('says each count in plain words', () => {
    expect(countText({ stage: 'steps', done: 7, total: 17, item: 'accounts' })).toBe(
      'Reading the phone: step 7 of 17 (accounts)',
    );
    expect(countText({ stage: 'steps', done: 1, total: 17, item: 'settingsSecure' })).toBe(
      'Reading the phone: step 1 of 17 (settings)',
    );
    // an id it has no words for is left out rather than shown
    expect(countText({ stage: 'steps', done: 2, total: 17, item: 'toString' })).toBe(
      'Reading the phone: step 2 of 17',
    );
    expect(countText({ stage: 'app-files', done: 12, total: 40 })).toBe(
      'Checking app files: 12 of 40',
    );
    expect(countText({ stage: 'signers', done: 3, total: 12 })).toBe(
      'Checking who signed the apps not from a store: 3 of 12',
    );
    // with the bytes copied (sizes from the phone), in MB
    expect(
      countText({
        stage: 'signers',
        done: 3,
        total: 12,
        bytesDone: 41 * 1024 * 1024,
        bytesTotal: 120 * 1024 * 1024,
      }),
    ).toBe('Checking who signed the apps not from a store: 3 of 12 (41 of 120 MB)');
  });
});

describe('progressPrinter on a terminal', () => {
  it('redraws one line per stage and leaves the last count on screen', () => {
    const s = sink();
    const p = progressPrinter(s.out, { live: true });
    p.line('Reading the phone Pixel (nothing on it will be changed)…');
    p.step('Reading the phone settings and app list');
    for (const c of steps(18)) p.count(c);
    p.step('Checking 40 app files on the phone');
    for (const done of [10, 20, 30, 40]) p.count({ stage: 'app-files', done, total: 40 });
    p.end();
    // what stays on screen, once every redraw has happened
    const screen = s
      .text()
      .split('\n')
      .map((l) => l.split('\r\x1b[K').at(-1));
    expect(screen).toEqual([
      'Reading the phone Pixel (nothing on it will be changed)…',
      '  Reading the phone: step 18 of 18 (root access)',
      '  Checking app files: 40 of 40',
      '',
    ]);
    expect(s.text().match(/\r\x1b\[K/g)).toHaveLength(18 + 4);
  });

  it('stages without counts (an iPhone) each keep their line', () => {
    const s = sink();
    const p = progressPrinter(s.out, { live: true });
    p.step('Reading the model and iOS version…');
    p.step('Reading the list of apps…');
    p.end();
    expect(s.text()).toBe('  Reading the model and iOS version…\n  Reading the list of apps…\n');
  });

  it('a message in the middle of a stage starts on a line of its own', () => {
    const s = sink();
    const p = progressPrinter(s.out, { live: true });
    p.count({ stage: 'signers', done: 1, total: 3 });
    p.line('Stopping. Keeping what was read so far…');
    p.end();
    expect(s.text()).toBe(
      '  Checking who signed the apps not from a store: 1 of 3\nStopping. Keeping what was read so far…\n',
    );
  });
});

describe('progressPrinter in a log', () => {
  it('writes no count while the scan is quick, so a log is not flooded', () => {
    const s = sink();
    let now = 0;
    const p = progressPrinter(s.out, { live: false, now: () => now, logEveryMs: 10_000 });
    p.step('Reading the phone settings and app list');
    for (const c of steps(18)) {
      now += 100;
      p.count(c);
    }
    p.end();
    expect(s.text()).toBe('  Reading the phone settings and app list\n');
    expect(s.text()).not.toContain('\r');
  });

  it('a slow phone: at most one count every 10 seconds', () => {
    const s = sink();
    let now = 0;
    const p = progressPrinter(s.out, { live: false, now: () => now, logEveryMs: 10_000 });
    p.step('Checking 40 app files on the phone');
    for (let done = 1; done <= 40; done++) {
      now += 1_000; // one file a second: 40 seconds in all
      p.count({ stage: 'app-files', done, total: 40 });
    }
    expect(s.text().split('\n')).toEqual([
      '  Checking 40 app files on the phone',
      '  Checking app files: 10 of 40',
      '  Checking app files: 20 of 40',
      '  Checking app files: 30 of 40',
      '  Checking app files: 40 of 40',
      '',
    ]);
  });
});
