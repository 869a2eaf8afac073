import { describe, expect, it } from 'vitest';
import { parseGetprop } from './getprop.js';
import { fixture, HOSTILE } from './testdata/fixtures.js';

describe('parseGetprop', () => {
  it('reads [key]: [value] lines, empty values and multi-line values', () => {
    const { parsed, warnings } = parseGetprop(fixture('a10-xiaomi/getprop.txt'));
    expect(warnings).toEqual([]);
    expect(parsed['ro.build.version.sdk']).toBe('29');
    expect(parsed['persist.sys.timezone']).toBe('Europe/Berlin');
    expect(parsed['ro.product.vendor.model']).toBe('');
    expect(parsed['persist.vendor.radio.multiline']).toBe('first line\nsecond line');
    expect(parsed['sys.boot_completed']).toBe('1');
  });

  it('handles CRLF line ends', () => {
    const { parsed } = parseGetprop('[a.b]: [1]\r\n[c.d]: [x]\r\n');
    expect(parsed).toEqual({ 'a.b': '1', 'c.d': 'x' });
  });

  it('keeps what it read from a truncated or broken dump and warns', () => {
    const r = parseGetprop('[ro.a]: [1]\ngarbage line\n[ro.b]: [cut');
    expect(r.parsed['ro.a']).toBe('1');
    expect(r.parsed['ro.b']).toBe('cut');
    expect(r.warnings).toHaveLength(2);
    const r2 = parseGetprop('[ro.x]: [unterminated\n[ro.y]: [ok]');
    expect(r2.parsed['ro.y']).toBe('ok');
    expect(r2.parsed['ro.x']).toBe('unterminated');
  });

  it('does not let a hostile key touch the object prototype', () => {
    const { parsed } = parseGetprop('[__proto__]: [x]\n[constructor]: [y]');
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.hasOwn(parsed, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('reports a refused command', () => {
    const r = parseGetprop('/system/bin/sh: getprop: not found');
    expect(r.parsed).toEqual({});
    expect(r.warnings[0]).toContain('getprop');
  });

  it('never throws', () => {
    for (const h of HOSTILE) expect(() => parseGetprop(h)).not.toThrow();
  });
});
