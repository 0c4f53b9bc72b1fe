/**
 * The notes' markdown renderer (src/ui/markdown.ts) against a battery of XSS and remote-content
 * payloads, in real Chromium (DOMPurify works on the browser's own parser, so this is where it is
 * tested): the HTML it returns keeps only allowlisted tags and attributes and safe hrefs; inserted into
 * the live page, no payload runs and no resource it names is requested. Ordinary markdown still renders.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LINK_SCHEMES, renderNote } from '../../src/ui/markdown.ts';

declare global {
  interface Window {
    __xss?: number[];
  }
}

/** Same-origin probe URLs: were anything to load them, the page's resource timing would list them. */
const probe = (n: number): string => `${location.origin}/__note_probe_${n}.png`;
const run = (n: number): string => `(window.__xss=window.__xss||[]).push(${n})`;

const PAYLOADS: string[] = [
  `<script>${run(1)}</script>`,
  `<img src="${probe(2)}" onerror="${run(2)}">`,
  `[click me](javascript:${run(3)})`,
  `![remote](${probe(4)})`,
  `![remote](https://example.com/remote-${Date.now()}.png)`,
  `<iframe src="javascript:${run(6)}"></iframe><iframe srcdoc="<script>${run(6)}</script>"></iframe>`,
  `<style>body{background:url(${probe(7)})}</style>`,
  `<a href="javascript:${run(8)}">html link</a>`,
  `[x](JaVaScRiPt:${run(9)})`,
  `[x](<javascript:${run(10)}>)`,
  `[x](java&#x09;script:${run(11)})`,
  `[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
  `[x](vbscript:msgbox(1))`,
  `<svg onload="${run(14)}"><circle r="5"/></svg>`,
  `<math><mtext><table><mglyph><style><img src="${probe(15)}" onerror="${run(15)}">`,
  `<div style="background:url(${probe(16)})">styled</div>`,
  `[ref link][1]\n\n[1]: javascript:${run(17)}`,
  `<javascript:${run(18)}>`,
  `<details open ontoggle="${run(19)}">x</details>`,
  `[t](https://example.com "\\" onmouseover=${run(20)} x=\\"")`,
  `[![inner](${probe(21)})](https://example.com)`,
  `<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example">`,
  `<link rel="stylesheet" href="${probe(23)}"><object data="${probe(23)}"></object><embed src="${probe(23)}">`,
  `<video src="${probe(24)}" poster="${probe(24)}"></video><audio src="${probe(24)}" autoplay></audio>`,
  `<form action="https://evil.example"><button formaction="javascript:${run(25)}">go</button></form>`,
  `<p onclick="${run(26)}" class="primary" id="main">hijack</p>`,
  `| a |\n|---|\n| <img src="${probe(27)}" onerror="${run(27)}"> |`,
  `\`\`\`\n<script>${run(28)}</script>\n\`\`\``,
  `<!-- --><img src=x onerror=${run(29)}> --> <![CDATA[<script>${run(29)}</script>]]>`,
  `<noscript><p title="</noscript><img src=x onerror=${run(30)}>"></noscript>`,
];

const ALLOWED = new Set(
  'P BR HR H1 H2 H3 H4 H5 H6 STRONG EM DEL S CODE PRE BLOCKQUOTE UL OL LI A TABLE THEAD TBODY TR TH TD'.split(' '),
);
const ATTRS = new Set(['href', 'title', 'align', 'start', 'target', 'rel']);

function parse(html: string): DocumentFragment {
  // A template's content is inert: parsing it loads and runs nothing.
  const t = document.createElement('template');
  t.innerHTML = html;
  return t.content;
}

const hosts: HTMLElement[] = [];
afterEach(() => {
  for (const h of hosts.splice(0)) h.remove();
});

describe('note markdown is rendered safely', () => {
  it.each(PAYLOADS.map((p, i) => [i, p] as const))('payload %i keeps only allowlisted markup', (_i, payload) => {
    const html = renderNote(payload);
    for (const el of parse(html).querySelectorAll('*')) {
      expect(ALLOWED.has(el.tagName), `${el.tagName} in ${html}`).toBe(true);
      for (const a of el.attributes) expect(ATTRS.has(a.name), `${a.name} in ${html}`).toBe(true);
      const href = el.getAttribute('href');
      if (href !== null) expect(href).toMatch(LINK_SCHEMES);
    }
    expect(html).not.toMatch(/<(script|img|iframe|style|svg|object|embed|base|meta|link|form)\b/i);
  });

  it('inserted into the page, no payload runs and nothing it names is requested', async () => {
    window.__xss = [];
    const before = new Set(performance.getEntriesByType('resource').map((e) => e.name));
    for (const p of PAYLOADS) {
      const host = document.createElement('div');
      host.innerHTML = renderNote(p);
      document.body.append(host);
      hosts.push(host);
      // Hover and click whatever is there, as a reader would.
      for (const el of host.querySelectorAll<HTMLElement>('*')) {
        el.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
        if (el.tagName !== 'A' || !el.getAttribute('href')?.startsWith('http')) el.click();
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(window.__xss).toEqual([]);
    const requested = performance
      .getEntriesByType('resource')
      .map((e) => e.name)
      .filter((n) => !before.has(n) && (n.includes('__note_probe_') || !n.startsWith(location.origin)));
    expect(requested).toEqual([]);
    expect(location.href).not.toMatch(/evil/);
    // The control: the same check does see an image that is not rendered through renderNote.
    const control = document.createElement('div');
    control.innerHTML = `<img src="${probe(99)}">`;
    document.body.append(control);
    hosts.push(control);
    await new Promise((r) => setTimeout(r, 500));
    expect(performance.getEntriesByType('resource').some((e) => e.name === probe(99))).toBe(true);
  });

  it('renders ordinary markdown: headings, emphasis, lists, code, tables, safe links, images as text', () => {
    const html = renderNote(
      [
        '## Result',
        '',
        'Weights **1/1/1**, *lr* matters; `code`; ~~old~~.',
        '',
        '- one',
        '- [x] done',
        '',
        '| a | b |',
        '|:--|--:|',
        '| 1 | 2 |',
        '',
        '[Optuna](https://optuna.org) · [mail](mailto:a@b.c) · [top](#top) · [rel](../x)',
        '',
        '![diagram](https://example.com/d.png)',
        '',
        'raw <b>html</b> stays text',
      ].join('\n'),
    );
    const f = parse(html);
    expect(f.querySelector('h2')?.textContent).toBe('Result');
    expect(f.querySelector('strong')?.textContent).toBe('1/1/1');
    expect(f.querySelector('em')?.textContent).toBe('lr');
    expect(f.querySelector('code')?.textContent).toBe('code');
    expect(f.querySelectorAll('li')).toHaveLength(2);
    expect(f.querySelectorAll('li')[1]?.textContent).toBe('☑ done');
    expect([...f.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['1', '2']);
    const links = [...f.querySelectorAll('a')];
    expect(
      links.map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('target'), a.getAttribute('rel')]),
    ).toEqual([
      ['Optuna', 'https://optuna.org', '_blank', 'noopener noreferrer nofollow'],
      ['mail', 'mailto:a@b.c', '_blank', 'noopener noreferrer nofollow'],
      ['top', '#top', null, null],
      ['rel', null, null, null],
    ]);
    expect(f.textContent).toContain('[image: diagram — https://example.com/d.png]');
    expect(f.textContent).toContain('raw <b>html</b> stays text');
  });
});
