import { describe, expect, it } from 'vitest';
import {
  cleanText,
  escapeHtml,
  forPdf,
  forTerminal,
  forText,
  hasHiddenCharacters,
  showHidden,
} from './sanitize.js';

const HOSTILE = {
  clearScreen: 'Calc\x1b[2J\x1b[H\x1b[31mulator',
  osc8: '\x1b]8;;https://evil.example/\x07Click me\x1b]8;;\x07',
  rlo: 'photo\u202Egpj.exe',
  isolate: 'a\u2066b\u2067c\u2068d\u2069e\u200ef\u200fg\u061ch',
  zeroWidth: 'Wh\u200batsA\u200cp\u200dp\ufeff',
  script: '<script>alert(1)</script>',
  nul: 'Sys\x00tem\x00 Service',
  c1Csi: 'x\x9b2Jy',
  newline: 'line1\nline2\r\nline3',
  long: 'A'.repeat(10_000),
};

describe('cleanText', () => {
  it.each([forTerminal, forPdf, forText])('removes every escape sequence (%#)', (fn) => {
    for (const value of Object.values(HOSTILE)) {
      const out = fn(value);
      expect(out).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
      expect(out).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u061c\ufeff]/);
    }
  });

  it('keeps the readable text of an ANSI-laden name', () => {
    expect(forTerminal(HOSTILE.clearScreen)).toBe('Calculator');
    expect(forTerminal(HOSTILE.osc8)).toBe('Click me');
    expect(forTerminal(HOSTILE.c1Csi)).toBe('xy');
  });

  it('shows the RLO trick in logical order, without reordering', () => {
    expect(forText(HOSTILE.rlo)).toBe('photogpj.exe');
  });

  it('drops NULs and zero-width characters', () => {
    expect(forText(HOSTILE.nul)).toBe('System Service');
    expect(forText(HOSTILE.zeroWidth)).toBe('WhatsApp');
  });

  it('flattens line breaks unless multiline is asked for', () => {
    expect(cleanText(HOSTILE.newline)).toBe('line1 line2 line3');
    expect(cleanText(HOSTILE.newline, { multiline: true })).toBe('line1\nline2\nline3');
  });

  it('caps 10k-character names with an ellipsis', () => {
    const out = forPdf(HOSTILE.long);
    expect(Array.from(out)).toHaveLength(200);
    expect(out.endsWith('…')).toBe(true);
    expect(Array.from(cleanText(HOSTILE.long, { maxLength: 20 }))).toHaveLength(20);
  });

  it('never splits a surrogate pair and repairs lone surrogates', () => {
    const out = cleanText('😀'.repeat(300), { maxLength: 10 });
    expect(out).toBe(`${'😀'.repeat(9)}…`);
    expect(cleanText('a\ud800b')).toBe('a\ufffdb');
  });

  it('keeps non-Latin names intact', () => {
    expect(cleanText('Локатор 家族 موقع')).toBe('Локатор 家族 موقع');
  });

  it('handles non-strings', () => {
    expect(cleanText(undefined)).toBe('');
    expect(cleanText(42)).toBe('42');
  });
});

describe('escapeHtml', () => {
  it('escapes markup and quotes', () => {
    expect(escapeHtml(HOSTILE.script)).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(escapeHtml(`"'&`)).toBe('&quot;&#39;&amp;');
  });
});

describe('showHidden', () => {
  it('makes invisible characters visible for the evidence section', () => {
    expect(showHidden(HOSTILE.rlo)).toBe('photo<U+202E>gpj.exe');
    expect(showHidden('a\x1b[2Jb')).toBe('a<U+001B>[2Jb');
    expect(hasHiddenCharacters(HOSTILE.rlo)).toBe(true);
    expect(hasHiddenCharacters('Plain name')).toBe(false);
  });
});
