/**
 * The one place that keeps secrets (the Stash API key, a PostgreSQL password) out of every text a
 * person or a log can see. A server may echo a secret anywhere — inside JSON, a URL, a quoted
 * value, next to a dot or a dash — so redaction replaces exact substrings, whatever surrounds them,
 * and also the forms a secret takes once JSON-escaped or percent-encoded.
 */

/** What stands where a secret was. */
export const REDACTED = '***';

/**
 * A secret this short ("pw") is replaced only where it stands alone, between characters no word
 * has: replacing every "pw" would mangle the message around it, and the odd letters a short
 * password shares with a word tell nothing of it.
 */
const MIN_SECRET_LENGTH = 4;

export class Secrets {
  private readonly forms: string[];
  private readonly shortForms: RegExp[];

  constructor(secrets: Iterable<string | null | undefined>) {
    const forms = new Set<string>();
    const shortForms = new Set<string>();
    for (const secret of secrets) {
      if (!secret) continue;
      for (const form of spellings(secret)) (secret.length < MIN_SECRET_LENGTH ? shortForms : forms).add(form);
    }
    // Longest first: a secret that contains another is replaced whole.
    this.forms = [...forms].sort((a, b) => b.length - a.length);
    this.shortForms = [...shortForms].map(standingAlone);
  }

  /** The text with every occurrence of every secret replaced by REDACTED. */
  redact(text: string): string {
    for (const form of this.forms) if (text.includes(form)) text = text.split(form).join(REDACTED);
    for (const form of this.shortForms) text = text.replace(form, REDACTED);
    return text;
  }

  /** The same error, its message (and the first line of its stack) redacted in place. */
  redactError<E>(error: E): E {
    if (error instanceof Error) {
      error.message = this.redact(error.message);
      if (error.stack) error.stack = this.redact(error.stack);
    }
    return error;
  }

  /** A new set holding these secrets and more. */
  with(...more: (string | null | undefined)[]): Secrets {
    const added = new Secrets(more);
    const combined = new Secrets([]);
    combined.forms.push(...this.forms, ...added.forms);
    combined.forms.sort((a, b) => b.length - a.length);
    combined.shortForms.push(...this.shortForms, ...added.shortForms);
    return combined;
  }
}

/** No secrets at all: redact() returns its input. */
export const NO_SECRETS = new Secrets([]);

/**
 * The URL as safe to show, before any secret is known: its password, and the value of every query
 * parameter whose name `secretParameter` matches, replaced by REDACTED.
 */
export function redactUrl(url: URL, secretParameter: RegExp): URL {
  const shown = new URL(url);
  if (shown.password) shown.password = REDACTED;
  for (const name of new Set(shown.searchParams.keys())) if (secretParameter.test(name)) shown.searchParams.set(name, REDACTED);
  return shown;
}

/** Text meant as a URL that does not parse, safe to print: its user-info and the value of every `parameter` (any case) masked. */
export function redactUrlText(text: string, parameter: string): string {
  const value = new RegExp(`([?&]${escapeRegExp(parameter)}=)[^&#\\s]*`, 'gi');
  return text.replace(value, `$1${REDACTED}`).replace(/\/\/[^/@\s]*@/, `//${REDACTED}@`);
}

/** The secret as it reads raw, inside a JSON string, and percent-encoded in a URL. */
function spellings(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
}

/** The text where it is not part of a longer word: "pw" in "pw." or ":pw@", not in "pwd". */
function standingAlone(form: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(form)}(?![\\p{L}\\p{N}_])`, 'gu');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
