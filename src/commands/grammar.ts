/** What a verb's grammar is, and what it answers. One file per verb (`<verb>Grammar.ts`), listed in verbs.ts. */

import type { Command } from '../domain/command';
import type { ParseLimits } from './limits';

/** Why a grammar cannot read the arguments, as one plain sentence; parseCommand adds the usage line. */
export interface Refusal {
  kind: 'refusal';
  sentence: string;
}

export const refuse = (sentence: string): Refusal => ({ kind: 'refusal', sentence });

/** What a grammar answers: the command it read, or a refusal. `invalid` and `unknown` are parseCommand's. */
export type Reading = Exclude<Command, { kind: 'invalid' | 'unknown' }> | Refusal;

export interface VerbGrammar {
  /** How an admin may type the verb, in lower case; a spelling may be two words (`sign out`). */
  spellings: readonly string[];
  /** One line without markup, added after every refusal. */
  usage: string;
  /** Reads the text after the verb (cleaned: see cleanText). Never throws. */
  parse(args: string, limits: ParseLimits): Reading;
}

/** How a usage line names one user. */
export const WHO = 'name@contoso.com, an object id or "Display Name"';
