/**
 * Markdown of study and trial notes → HTML that is safe to insert. A note may come from anyone's journal,
 * so it is untrusted text. The rules (README, Results → Notes):
 * - raw HTML in the markdown is shown as text, never parsed (`<script>` reads as `<script>`);
 * - images are never loaded: `![alt](url)` renders as the text “[image: alt — url]”, so no request leaves
 *   the page when a note is shown;
 * - links keep their href only for http(s):, mailto: and in-page `#…`; they open on a click only, in a
 *   new tab with rel="noopener noreferrer nofollow"; any other scheme (javascript:, data:, vbscript:,
 *   relative paths) leaves the link text without a link;
 * - DOMPurify then keeps only an allowlist of tags and attributes (no style, class, id, event handler,
 *   iframe, form, svg or math), as a second line behind the renderer.
 * marked (GFM) parses; DOMPurify, on its own instance so its hook touches no other use, sanitises.
 */
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    image: ({ href, text }) => escapeHtml(`[image: ${text}${href ? ` — ${href}` : ''}]`),
    checkbox: ({ checked }) => (checked ? '☑ ' : '☐ '),
  },
});

const ALLOWED_TAGS = [
  'p',
  'br',
  'hr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'strong',
  'em',
  'del',
  's',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
];
const ALLOWED_ATTR = ['href', 'title', 'align', 'start'];
/** Links that may stay links: web pages and mail, opened on a click; `#…` stays in the app. */
export const LINK_SCHEMES = /^(?:https?:\/\/|mailto:|#)/i;

let purifier: ReturnType<typeof DOMPurify> | null = null;

function purify(): ReturnType<typeof DOMPurify> {
  if (purifier !== null) return purifier;
  const p = DOMPurify(window);
  p.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName !== 'A') return;
    const href = node.getAttribute('href');
    if (href === null || !LINK_SCHEMES.test(href.trim())) {
      node.removeAttribute('href');
      return;
    }
    if (!href.trim().startsWith('#')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
  purifier = p;
  return p;
}

/** The note as sanitised HTML (see the header for what it may contain). */
export function renderNote(markdown: string): string {
  const html = marked.parse(markdown, { async: false });
  return purify().sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    ALLOWED_URI_REGEXP: LINK_SCHEMES,
    RETURN_TRUSTED_TYPE: false,
  });
}
