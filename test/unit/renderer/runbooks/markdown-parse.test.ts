import { describe, expect, it } from 'vitest';
import {
  parseInline,
  parseMarkdown,
  safeHref,
} from '../../../../src/renderer/views/runbooks/markdown/markdown-parse';

describe('runbook guidance Markdown', () => {
  it('reads paragraphs, lists and fenced code as blocks', () => {
    const blocks = parseMarkdown(
      [
        'First line',
        'same paragraph.',
        '',
        '- one',
        '- two',
        '  continued',
        '',
        '1. first',
        '2. second',
        '',
        '```sh',
        'kubectl get pods',
        '```',
      ].join('\n'),
    );
    expect(blocks.map((b) => b.kind)).toEqual(['paragraph', 'list', 'list', 'code']);
    expect(blocks[0]).toEqual({
      kind: 'paragraph',
      inline: [{ kind: 'text', text: 'First line same paragraph.' }],
    });
    expect(blocks[1]).toMatchObject({
      ordered: false,
      items: [[{ text: 'one' }], [{ text: 'two continued' }]],
    });
    expect(blocks[2]).toMatchObject({ ordered: true });
    expect(blocks[3]).toEqual({ kind: 'code', lang: 'sh', text: 'kubectl get pods' });
  });

  it('reads bold, italic, code and links, leaving snake_case words alone', () => {
    expect(parseInline('a **bold** and *it* and `x_y` in snake_case_name')).toEqual([
      { kind: 'text', text: 'a ' },
      { kind: 'strong', children: [{ kind: 'text', text: 'bold' }] },
      { kind: 'text', text: ' and ' },
      { kind: 'em', children: [{ kind: 'text', text: 'it' }] },
      { kind: 'text', text: ' and ' },
      { kind: 'code', text: 'x_y' },
      { kind: 'text', text: ' in snake_case_name' },
    ]);
    expect(parseInline('see [the docs](https://example.org/a?b=1)')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', href: 'https://example.org/a?b=1', children: [{ kind: 'text', text: 'the docs' }] },
    ]);
  });

  it('never makes a link of anything but http and https, and keeps HTML as text', () => {
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('file:///etc/passwd')).toBeNull();
    expect(safeHref('data:text/html,<b>x</b>')).toBeNull();
    expect(safeHref('/relative')).toBeNull();
    expect(safeHref('http://example.org')).toBe('http://example.org/');
    expect(parseInline('[click](javascript:alert(1))')[0]).toMatchObject({ kind: 'link', href: null });
    expect(parseMarkdown('<img src=x onerror=alert(1)>')).toEqual([
      { kind: 'paragraph', inline: [{ kind: 'text', text: '<img src=x onerror=alert(1)>' }] },
    ]);
  });
});
