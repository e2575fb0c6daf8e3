/**
 * Normalized message text → a Command: the length check, the verb, then the verb's grammar. A grammar's
 * refusal becomes `invalid`, with the verb's usage line after it.
 */

import type { Command } from '../domain/command';
import { DEFAULT_LIMITS, MAX_INPUT_LENGTH, type ParseLimits } from './limits';
import { cleanText } from './text';
import { GRAMMARS, USAGE, readVerb, type Verb } from './verbs';

const invalid = (verb: Verb | 'message', sentence: string): Command => ({
  kind: 'invalid',
  verb,
  problem: verb === 'message' ? sentence : `${sentence}\n\n${USAGE[verb]}`,
});

/** 12345 → "12,345", without the cost of loading ICU on a first toLocaleString call. */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ',');
}

/**
 * Reads a command from normalized message text (see normalizeMessageText). Never throws; anything that
 * is not a well-formed command is `unknown` (no known verb) or `invalid` (known verb, a plain-words problem).
 * Overlong input is `invalid`; its verb is the one the text starts with, else `message`.
 * `limits` exists so tests can reach the target cap, which MAX_INPUT_LENGTH otherwise hides.
 */
export function parseCommand(normalizedText: string, limits: ParseLimits = DEFAULT_LIMITS): Command {
  if (typeof normalizedText !== 'string') return { kind: 'unknown' };
  if (normalizedText.length > MAX_INPUT_LENGTH) {
    const verb = readVerb(cleanText(normalizedText.slice(0, 64)))?.verb;
    const sentence =
      `That message is ${thousands(normalizedText.length)} characters long; ` +
      `I read at most ${thousands(MAX_INPUT_LENGTH)}.` +
      (verb === 'signout' ? ' Split the users over several requests, or use group:.' : '');
    return invalid(verb ?? 'message', sentence);
  }
  const text = cleanText(normalizedText);
  if (text === '' || text === '?') return { kind: 'help' };
  const v = readVerb(text);
  if (!v) return { kind: 'unknown' };
  const reading = GRAMMARS[v.verb].parse(text.slice(v.argsStart), limits);
  return reading.kind === 'refusal' ? invalid(v.verb, reading.sentence) : reading;
}
