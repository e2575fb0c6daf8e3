/** `help` (or `?`, or nothing at all): anything after the verb is ignored. */

import type { VerbGrammar } from './grammar';

export const helpGrammar: VerbGrammar = {
  spellings: ['help'],
  usage: 'Usage: help',
  parse: () => ({ kind: 'help' }),
};
