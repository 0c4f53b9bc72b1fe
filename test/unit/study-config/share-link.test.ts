/**
 * Study links: every preset survives the round trip exactly; the link is short enough to send; and every
 * kind of bad link — too long, another format, damaged characters, cut short, a small link that inflates
 * into megabytes, a configuration the validator refuses — is refused with one plain sentence, never a crash.
 */
import { describe, expect, it } from 'vitest';
import { PRESETS, type PresetName, type StudyConfig } from '../../../src/study-config/index.ts';
import {
  decodeStudyLink,
  encodeStudyLink,
  MAX_LINK_CHARS,
  studyLinkUrl,
  StudyLinkError,
} from '../../../src/study-config/share-link.ts';
import { parseHash } from '../../../src/state/routes.ts';

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const out = await new Response(
    new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate-raw')),
  ).arrayBuffer();
  return new Uint8Array(out);
}
const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

async function refusal(payload: string): Promise<string> {
  try {
    await decodeStudyLink(payload);
  } catch (err) {
    expect(err).toBeInstanceOf(StudyLinkError);
    return (err as Error).message;
  }
  throw new Error('the link was accepted');
}

describe('study links', () => {
  it.each(Object.keys(PRESETS) as PresetName[])('the %s preset round-trips exactly through a link', async (name) => {
    const config = PRESETS[name]();
    const url = await studyLinkUrl('http://localhost:5173/#/results/3', config);
    expect(url.startsWith('http://localhost:5173/#/setup?study=v1.')).toBe(true);
    expect(url.length).toBeLessThan(2000); // short enough for a chat message or an e-mail
    const route = parseHash(new URL(url).hash);
    expect(route.view).toBe('setup');
    const link = route.view === 'setup' ? route.link : undefined;
    expect(await decodeStudyLink(link!)).toEqual(config);
  });

  it('refuses what is not a study link, with the reason', async () => {
    expect(await refusal('x'.repeat(MAX_LINK_CHARS + 1))).toMatch(/too long/);
    expect(await refusal('v2.abc')).toMatch(/not a dmc-tune study link/);
    expect(await refusal('v1.ab$cd')).toMatch(/damaged: it contains characters/);
    const good = await encodeStudyLink(PRESETS.cpu());
    expect(await refusal(good.slice(0, Math.floor(good.length / 2)))).toMatch(/damaged/);
    expect(await refusal(`v1.${b64url(await deflate(new TextEncoder().encode('{"name": ')))}`)).toMatch(
      /not a readable configuration/,
    );
  });

  it('refuses a small link that would unpack into megabytes', async () => {
    const bomb = new TextEncoder().encode(`{"name":"${' '.repeat(4 * 1024 * 1024)}"}`);
    const payload = `v1.${b64url(await deflate(bomb))}`;
    expect(payload.length).toBeLessThan(MAX_LINK_CHARS);
    expect(await refusal(payload)).toMatch(/larger than 256 kB once unpacked/);
  });

  it('refuses a configuration the validator refuses, naming the field', async () => {
    const bad: StudyConfig = PRESETS.cpu();
    bad.searchSpace.lr = { type: 'float', low: 0.01, high: 0.001, log: true, step: null };
    const payload = `v1.${b64url(await deflate(new TextEncoder().encode(JSON.stringify(bad))))}`;
    const message = await refusal(payload);
    expect(message).toMatch(/not valid/);
    expect(message).toMatch(/searchSpace\.lr(\.low)?: Low must not exceed high/);
  });
});
