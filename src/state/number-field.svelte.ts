/**
 * A numeric form field validated as the user types: the raw text is kept (so "0." or "-" can be typed),
 * the parsed value is null while the text is invalid, and `error` says why, naming the value. Views
 * bind an <input> to `text` and show `error` next to it; forms stay disabled while any field is invalid.
 */
export interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
  /** Exclusive lower bound. */
  above?: number;
}

export function checkNumber(
  text: string,
  rule: NumberRule,
): { value: number; error: null } | { value: null; error: string } {
  const t = text.trim();
  if (t === '') return { value: null, error: 'Enter a number.' };
  const x = Number(t);
  if (!Number.isFinite(x)) return { value: null, error: `"${t}" is not a number.` };
  if (rule.integer && !Number.isInteger(x)) return { value: null, error: `${t} is not a whole number.` };
  if (rule.min !== undefined && x < rule.min) return { value: null, error: `${t} is below the minimum ${rule.min}.` };
  if (rule.above !== undefined && x <= rule.above)
    return { value: null, error: `${t} must be greater than ${rule.above}.` };
  if (rule.max !== undefined && x > rule.max) return { value: null, error: `${t} is above the maximum ${rule.max}.` };
  return { value: x, error: null };
}

export class NumberField {
  text = $state('');
  readonly id: string;
  readonly label: string;
  readonly rule: NumberRule;
  readonly unit: string;
  readonly hint: string;

  constructor(id: string, label: string, initial: number, rule: NumberRule, unit = '', hint = '') {
    this.id = id;
    this.label = label;
    this.rule = rule;
    this.unit = unit;
    this.hint = hint;
    this.text = String(initial);
  }

  // Parsing a short string is cheaper than caching it; reading `text` keeps both getters reactive.
  get value(): number | null {
    return checkNumber(this.text, this.rule).value;
  }

  get error(): string | null {
    return checkNumber(this.text, this.rule).error;
  }

  set(x: number): void {
    this.text = String(x);
  }
}
